# Wrong: log-sum-exp without subtracting the maximum (overflows on large logits).
# loses: test_log_softmax
# %% solution id=log_softmax
def log_softmax(logits):
    z = np.asarray(logits, dtype=np.float64)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
