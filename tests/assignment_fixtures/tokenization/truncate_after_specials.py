# Wrong: adds [CLS] and [SEP] first and then cuts to max_len, which cuts off [SEP].
# expect: test_encode_truncation=0
# %% solution id=encode
def encode(text, vocab, max_len):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    ids = [vocab["[CLS]"]] + [vocab.get(t, vocab["[UNK]"]) for t in tokenize(text)]
    ids = (ids + [vocab["[SEP]"]])[:max_len]
    return ids + [vocab["[PAD]"]] * (max_len - len(ids))
