# Wrong: checks the range of k but not that it is an integer (k=1.5 reaches numpy's indexing).
# loses: test_top_k
# %% solution id=top_k
def top_k_filter(probs, k):
    p = np.asarray(probs, dtype=np.float64)
    if k < 1 or k > p.size:
        raise ValueError("bad k")
    t = np.sort(p)[::-1][int(k) - 1]
    kept = np.where(p >= t, p, 0.0)
    return kept / kept.sum()
