# Wrong: subtracts the maximum in place, changing the caller's float64 array.
# loses: test_softmax_basics
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    z = np.asarray(logits, dtype=np.float64)
    z -= z.max(axis=-1, keepdims=True)
    z /= temperature
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
