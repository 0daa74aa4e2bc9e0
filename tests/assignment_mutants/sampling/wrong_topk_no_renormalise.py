# Wrong: sets the other words to 0 but does not renormalise.
# loses: test_top_k
# %% solution id=top_k
def top_k_filter(probs, k):
    p = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= p.size:
        raise ValueError("bad k")
    t = np.sort(p)[::-1][k - 1]
    return np.where(p >= t, p, 0.0)
