# Wrong: softmax without subtracting the maximum; np.exp(1000) overflows to inf -> nan.
# expect: test_softmax_stable=0
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    e = np.exp(np.asarray(logits, dtype=np.float64) / temperature)
    return e / e.sum(axis=-1, keepdims=True)
