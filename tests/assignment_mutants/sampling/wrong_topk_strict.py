# Wrong: keeps the words whose probability is > the k-th largest (drops the k-th itself).
# loses: test_top_k
# %% solution id=top_k
def top_k_filter(probs, k):
    p = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= p.size:
        raise ValueError("bad k")
    t = np.sort(p)[::-1][k - 1]
    kept = np.where(p > t, p, 0.0)
    if kept.sum() == 0:
        kept = np.where(p >= t, p, 0.0)
    return kept / kept.sum()
