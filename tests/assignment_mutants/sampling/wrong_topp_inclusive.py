# Wrong: keeps a word if the total INCLUDING it is <= p.
# loses: test_top_p
# %% solution id=top_p
def top_p_filter(probs, p):
    if not 0 < p <= 1:
        raise ValueError("bad p")
    probs = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-probs, kind="stable")
    keep = order[np.cumsum(probs[order]) <= p]
    if keep.size == 0:
        keep = order[:1]
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()
