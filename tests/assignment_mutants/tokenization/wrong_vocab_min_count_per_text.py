# Wrong: applies min_count inside each text (a token must occur min_count times in one text).
# loses: test_vocab_order
# %% solution id=build_vocab
def build_vocab(texts, min_count=1):
    counts, kept = {}, set()
    for text in texts:
        here = {}
        for token in tokenize(text):
            here[token] = here.get(token, 0) + 1
            counts[token] = counts.get(token, 0) + 1
        kept |= {t for t, n in here.items() if n >= min_count}
    frequent = sorted(kept, key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(SPECIAL_TOKENS + frequent)}
