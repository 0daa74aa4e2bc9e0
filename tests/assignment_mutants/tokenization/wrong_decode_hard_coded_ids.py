# Wrong: skips the ids 0, 2 and 3 instead of the ids of [PAD], [CLS], [SEP] in vocab.
# loses: test_decode
# %% solution id=decode
def decode(ids, vocab):
    inverse = {i: t for t, i in vocab.items()}
    for i in ids:
        if not 0 <= i < len(vocab):
            raise ValueError(f"bad id {i}")
    return " ".join(inverse[i] for i in ids if i not in (0, 2, 3))
