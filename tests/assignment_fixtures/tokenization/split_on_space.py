# Wrong: str.split(" ") turns the empty text into [""], one empty token; encode (reference,
# which calls tokenize) then encodes "" as [UNK].
# expect: test_tokenize=0 test_encode_padding=0
# %% solution id=tokenize
def tokenize(text):
    return clean_text(text).split(" ")
