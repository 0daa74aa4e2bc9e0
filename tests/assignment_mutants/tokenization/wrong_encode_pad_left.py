# Wrong: pads on the left.
# loses: test_encode_padding
# %% solution id=encode
def encode(text, vocab, max_len):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    ids = [vocab.get(t, vocab["[UNK]"]) for t in tokenize(text)][: max_len - 2]
    ids = [vocab["[CLS]"]] + ids + [vocab["[SEP]"]]
    return [vocab["[PAD]"]] * (max_len - len(ids)) + ids
