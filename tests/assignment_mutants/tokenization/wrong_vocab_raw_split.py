# Wrong: counts text.split() tokens, so "Hello" and "hello" are two tokens.
# loses: test_vocab_specials
# %% solution id=build_vocab
def build_vocab(texts, min_count=1):
    counts = {}
    for text in texts:
        for token in text.split():
            counts[token] = counts.get(token, 0) + 1
    frequent = sorted((t for t in counts if counts[t] >= min_count), key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(SPECIAL_TOKENS + frequent)}
