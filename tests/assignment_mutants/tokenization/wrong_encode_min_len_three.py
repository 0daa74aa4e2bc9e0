# Wrong: requires max_len >= 3 (room for one token), so max_len = 2 raises.
# loses: test_encode_truncation
# %% solution id=encode
def encode(text, vocab, max_len):
    if max_len < 3:
        raise ValueError("max_len must be at least 3")
    ids = [vocab.get(t, vocab["[UNK]"]) for t in tokenize(text)][: max_len - 2]
    ids = [vocab["[CLS]"]] + ids + [vocab["[SEP]"]]
    return ids + [vocab["[PAD]"]] * (max_len - len(ids))
