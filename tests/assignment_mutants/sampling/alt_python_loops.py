# Correct: plain Python loops and sorted() with (-probability, id) keys.
# %% solution id=greedy
def greedy(logits):
    best = 0
    for i in range(1, len(logits)):
        if logits[i] > logits[best]:
            best = i
    return int(best)
# %% solution id=top_k
def top_k_filter(probs, k):
    values = [float(v) for v in probs]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= len(values):
        raise ValueError(f"k must be an integer in [1, {len(values)}], got {k!r}")
    threshold = sorted(values, reverse=True)[k - 1]
    kept = [v if v >= threshold else 0.0 for v in values]
    total = sum(kept)
    return np.array([v / total for v in kept], dtype=np.float64)
# %% solution id=top_p
def top_p_filter(probs, p):
    if not (0 < p <= 1):
        raise ValueError(f"p must be in (0, 1], got {p}")
    values = [float(v) for v in probs]
    ranked = sorted(range(len(values)), key=lambda i: (-values[i], i))
    kept, before = [0.0] * len(values), 0.0
    for i in ranked:
        if before < p:
            kept[i] = values[i]
        before += values[i]
    total = sum(kept)
    return np.array([v / total for v in kept])
# %% solution id=sample
def sample(probs, rng):
    u = rng.random()
    total = 0.0
    for i, q in enumerate(probs):
        total += q
        if total > u:
            return i
    return len(probs) - 1
