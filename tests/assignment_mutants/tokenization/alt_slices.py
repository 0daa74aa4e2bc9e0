# Correct: encode by slicing and list arithmetic; decode with a comprehension.
# %% solution id=encode
def encode(text, vocab, max_len):
    if max_len < 2:
        raise ValueError("max_len must be >= 2")
    unk = vocab["[UNK]"]
    body = [vocab.get(tok, unk) for tok in tokenize(text)][: max(max_len - 2, 0)]
    seq = [vocab["[CLS]"], *body, vocab["[SEP]"]]
    return seq + [vocab["[PAD]"]] * (max_len - len(seq))
# %% solution id=decode
def decode(ids, vocab):
    inverse = dict((i, t) for t, i in vocab.items())
    ids = [int(i) for i in ids]
    if any(i < 0 or i >= len(vocab) for i in ids):
        raise ValueError("an id is out of range")
    return " ".join(inverse[i] for i in ids if inverse[i] not in ("[PAD]", "[CLS]", "[SEP]"))
