# Wrong: counts in how many texts a token occurs, not how often in total.
# loses: test_vocab_order
# %% solution id=build_vocab
def build_vocab(texts, min_count=1):
    counts = {}
    for text in texts:
        for token in set(tokenize(text)):
            counts[token] = counts.get(token, 0) + 1
    frequent = sorted((t for t, n in counts.items() if n >= min_count),
                      key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(SPECIAL_TOKENS + frequent)}
