# Wrong: keeps tokens that occur MORE than min_count times.
# loses: test_vocab_order
# %% solution id=build_vocab
def build_vocab(texts, min_count=1):
    counts = {}
    for text in texts:
        for token in tokenize(text):
            counts[token] = counts.get(token, 0) + 1
    frequent = sorted((t for t in counts if counts[t] > min_count), key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(SPECIAL_TOKENS + frequent)}
