# Wrong: no maximum subtracted, so np.exp overflows on large logits.
# loses: test_softmax_stable
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    e = np.exp(np.asarray(logits, dtype=np.float64) / temperature)
    return e / e.sum(axis=-1, keepdims=True)
