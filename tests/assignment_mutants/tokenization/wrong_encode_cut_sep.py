# Wrong: adds [CLS] and [SEP] first and then cuts to max_len, which drops [SEP].
# loses: test_encode_truncation
# %% solution id=encode
def encode(text, vocab, max_len):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    ids = [vocab["[CLS]"]] + [vocab.get(t, vocab["[UNK]"]) for t in tokenize(text)] + [vocab["[SEP]"]]
    ids = ids[:max_len]
    return ids + [vocab["[PAD]"]] * (max_len - len(ids))
