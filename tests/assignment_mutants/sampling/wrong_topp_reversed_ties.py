# Wrong: sorts ascending and reverses, so tied words come larger id first.
# loses: test_top_p
# %% solution id=top_p
def top_p_filter(probs, p):
    if not 0 < p <= 1:
        raise ValueError("bad p")
    probs = np.asarray(probs, dtype=np.float64)
    order = np.argsort(probs, kind="stable")[::-1]
    before = np.cumsum(probs[order]) - probs[order]
    keep = order[before < p]
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()
