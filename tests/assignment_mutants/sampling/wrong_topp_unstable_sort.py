# Wrong: np.argsort's default sort, which is not stable for long arrays: tied words come out of id order.
# loses: test_top_p
# %% solution id=top_p
def top_p_filter(probs, p):
    if not 0 < p <= 1:
        raise ValueError("bad p")
    probs = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-probs)
    before = np.cumsum(probs[order]) - probs[order]
    keep = order[before < p]
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()
