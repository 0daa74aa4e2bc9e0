# Correct: collections.Counter and one sorted() over its items.
# %% solution id=build_vocab
from collections import Counter

def build_vocab(texts, min_count=1):
    counts = Counter(token for text in texts for token in tokenize(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    vocab = {token: i for i, token in enumerate(SPECIAL_TOKENS)}
    for token, n in ranked:
        if n >= min_count:
            vocab[token] = len(vocab)
    return vocab
