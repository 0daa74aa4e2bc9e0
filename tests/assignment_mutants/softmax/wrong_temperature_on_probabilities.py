# Wrong: divides the probabilities by the temperature after the softmax, then renormalises.
# loses: test_softmax_temperature
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True) / temperature
    return p / p.sum(axis=-1, keepdims=True)
