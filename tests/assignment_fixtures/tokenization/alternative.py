# Correct, written differently: regular expressions, collections.Counter, a while loop.
# expect:
# %% solution id=clean_text
import re

def clean_text(text):
    text = re.sub(r"([.,!?])", r" \1 ", text.lower())
    text = re.sub(r"[^a-z0-9.,!?\s]", "", text)
    return re.sub(r"\s+", " ", text).strip()
# %% solution id=tokenize
def tokenize(text):
    cleaned = clean_text(text)
    return cleaned.split(" ") if cleaned else []
# %% solution id=build_vocab
from collections import Counter

def build_vocab(texts, min_count=1):
    counts = Counter(token for text in texts for token in tokenize(text))
    words = sorted((t for t, n in counts.items() if n >= min_count),
                   key=lambda t: (-counts[t], t))
    vocab = {}
    for token in SPECIAL_TOKENS + words:
        vocab[token] = len(vocab)
    return vocab
# %% solution id=encode
def encode(text, vocab, max_len):
    if max_len < 2:
        raise ValueError(f"max_len={max_len} leaves no room for [CLS] and [SEP]")
    tokens = tokenize(text)
    body = []
    i = 0
    while i < len(tokens) and len(body) < max_len - 2:
        body.append(vocab[tokens[i]] if tokens[i] in vocab else vocab["[UNK]"])
        i += 1
    ids = [vocab["[CLS]"], *body, vocab["[SEP]"]]
    while len(ids) < max_len:
        ids.append(vocab["[PAD]"])
    return ids
# %% solution id=decode
def decode(ids, vocab):
    by_id = [None] * len(vocab)
    for token, i in vocab.items():
        by_id[i] = token
    out = []
    for i in list(ids):
        i = int(i)
        if i < 0 or i >= len(by_id):
            raise ValueError(f"unknown id {i}")
        if by_id[i] not in {"[PAD]", "[CLS]", "[SEP]"}:
            out.append(by_id[i])
    return " ".join(out)
