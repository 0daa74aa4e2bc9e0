# Wrong: keeps exactly k words with argsort, dropping words tied with the k-th one.
# expect: test_top_k=0
# %% solution id=top_k
def top_k_filter(probs, k):
    p = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= p.size:
        raise ValueError("bad k")
    keep = np.argsort(p)[-k:]
    out = np.zeros_like(p)
    out[keep] = p[keep]
    return out / out.sum()
