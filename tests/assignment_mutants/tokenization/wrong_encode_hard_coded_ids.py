# Wrong: types the special ids 0, 1, 2, 3 instead of taking them from vocab.
# loses: test_encode_special_unknown test_encode_padding
# %% solution id=encode
def encode(text, vocab, max_len):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    ids = [vocab.get(t, 1) for t in tokenize(text)][: max_len - 2]
    ids = [2] + ids + [3]
    return ids + [0] * (max_len - len(ids))
