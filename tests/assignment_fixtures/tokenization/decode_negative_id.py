# Wrong: checks only id >= len(vocab); a list index -1 silently gives the last token.
# expect: test_decode=0
# %% solution id=decode
def decode(ids, vocab):
    tokens = sorted(vocab, key=vocab.get)
    words = []
    for i in ids:
        if i >= len(tokens):
            raise ValueError(f"id {i} too large")
        if tokens[i] not in ("[PAD]", "[CLS]", "[SEP]"):
            words.append(tokens[i])
    return " ".join(words)
