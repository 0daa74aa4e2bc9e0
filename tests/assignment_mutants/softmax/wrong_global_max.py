# Wrong: subtracts one maximum of the whole batch instead of each row's (a row far below another underflows to 0/0).
# loses: test_softmax_stable
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)
