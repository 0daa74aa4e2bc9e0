# Wrong: only negative temperatures raise; temperature 0 divides by zero.
# loses: test_softmax_temperature
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
