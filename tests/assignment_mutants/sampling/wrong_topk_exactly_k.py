# Wrong: keeps exactly k ids from argsort, dropping words tied with the k-th.
# loses: test_top_k
# %% solution id=top_k
def top_k_filter(probs, k):
    p = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= p.size:
        raise ValueError("bad k")
    out = np.zeros_like(p)
    keep = np.argsort(-p, kind="stable")[:k]
    out[keep] = p[keep]
    return out / out.sum()
