# Wrong: zeroes the removed words in the caller's array.
# loses: test_top_k
# %% solution id=top_k
def top_k_filter(probs, k):
    p = np.asarray(probs, dtype=np.float64)
    if not 1 <= k <= p.size:
        raise ValueError("bad k")
    t = np.sort(p)[::-1][k - 1]
    p[p < t] = 0.0
    p /= p.sum()
    return p
