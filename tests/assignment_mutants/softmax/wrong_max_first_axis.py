# Wrong: takes the maximum over the first axis (columns of a batch) instead of the last.
# loses: test_softmax_last_axis
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=0, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
