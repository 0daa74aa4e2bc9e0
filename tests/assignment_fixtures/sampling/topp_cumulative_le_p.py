# Wrong boundary: keeps the words whose cumulative probability INCLUDING themselves is
# <= p, so the word that crosses p is dropped. Generation with top_p inherits the error.
# expect: test_top_p=0 test_generate_filters=0
# %% solution id=top_p
def top_p_filter(probs, p):
    if not 0 < p <= 1:
        raise ValueError("bad p")
    probs = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    keep = order[cumulative <= p]
    if keep.size == 0:
        keep = order[:1]
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()
