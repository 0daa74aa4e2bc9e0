# Correct: encode with an explicit loop and a padding loop; decode through a list indexed by id.
# %% solution id=encode
def encode(text, vocab, max_len):
    if not max_len >= 2:
        raise ValueError(f"max_len={max_len} leaves no room for [CLS] and [SEP]")
    out = [vocab["[CLS]"]]
    for token in tokenize(text):
        if len(out) == max_len - 1:
            break
        out.append(vocab[token] if token in vocab else vocab["[UNK]"])
    out.append(vocab["[SEP]"])
    while len(out) < max_len:
        out.append(vocab["[PAD]"])
    return out
# %% solution id=decode
def decode(ids, vocab):
    by_id = [None] * len(vocab)
    for token, i in vocab.items():
        by_id[i] = token
    skip = {vocab["[PAD]"], vocab["[CLS]"], vocab["[SEP]"]}
    words = []
    for i in ids:
        i = int(i)
        if i < 0 or i >= len(by_id):
            raise ValueError(f"id {i} out of range")
        if i not in skip:
            words.append(by_id[i])
    return " ".join(words)
