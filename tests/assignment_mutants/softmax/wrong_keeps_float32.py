# Wrong: converts only integer input to float, so float32 logits give float32 probabilities.
# loses: test_softmax_basics
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    z = np.asarray(logits)
    if z.dtype.kind in "iub":
        z = z.astype(np.float64)
    z = z / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
