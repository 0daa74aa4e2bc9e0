# Correct: np.partition for the k-th largest value, np.lexsort for the top-p order.
# %% solution id=greedy
def greedy(logits):
    x = np.asarray(logits, dtype=float)
    return int(np.flatnonzero(x == x.max())[0])
# %% solution id=top_k
def top_k_filter(probs, k):
    p = np.array(probs, dtype=float)
    if int(k) != k or k < 1 or k > p.shape[0]:
        raise ValueError("k out of range")
    kth = np.partition(p, p.shape[0] - int(k))[p.shape[0] - int(k)]
    p[p < kth] = 0.0
    return p / p.sum()
# %% solution id=top_p
def top_p_filter(probs, p):
    if p <= 0 or p > 1:
        raise ValueError("p must be in (0, 1]")
    q = np.array(probs, dtype=float)
    order = np.lexsort((np.arange(q.size), -q))
    before = np.concatenate([[0.0], np.cumsum(q[order])[:-1]])
    out = np.zeros_like(q)
    out[order[before < p]] = q[order[before < p]]
    return out / out.sum()
