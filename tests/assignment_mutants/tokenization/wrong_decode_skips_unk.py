# Wrong: skips [UNK] together with the other special tokens.
# loses: test_decode
# %% solution id=decode
def decode(ids, vocab):
    inverse = {i: t for t, i in vocab.items()}
    for i in ids:
        if not 0 <= i < len(vocab):
            raise ValueError(f"bad id {i}")
    return " ".join(inverse[i] for i in ids if inverse[i] not in SPECIAL_TOKENS)
