# Wrong: checks only id >= len(vocab); a negative id is not rejected.
# loses: test_decode
# %% solution id=decode
def decode(ids, vocab):
    inverse = {i: t for t, i in vocab.items()}
    words = []
    for i in ids:
        if i >= len(vocab):
            raise ValueError(f"bad id {i}")
        token = inverse.get(i, "[UNK]")
        if token not in ("[PAD]", "[CLS]", "[SEP]"):
            words.append(token)
    return " ".join(words)
