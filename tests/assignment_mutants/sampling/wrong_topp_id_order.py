# Wrong: adds up the probabilities in id order instead of from the most likely word.
# loses: test_top_p
# %% solution id=top_p
def top_p_filter(probs, p):
    if not 0 < p <= 1:
        raise ValueError("bad p")
    probs = np.asarray(probs, dtype=np.float64)
    before = np.cumsum(probs) - probs
    out = np.where(before < p, probs, 0.0)
    return out / out.sum()
