# Wrong: vocab[token] raises KeyError for an unknown word.
# loses: test_encode_special_unknown
# %% solution id=encode
def encode(text, vocab, max_len):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    ids = [vocab[t] for t in tokenize(text)][: max_len - 2]
    ids = [vocab["[CLS]"]] + ids + [vocab["[SEP]"]]
    return ids + [vocab["[PAD]"]] * (max_len - len(ids))
