# Wrong: checks the temperature with assert (AssertionError, not ValueError).
# loses: test_softmax_temperature
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    assert temperature > 0, "temperature must be > 0"
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
