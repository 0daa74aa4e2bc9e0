# Wrong: log-sum-exp over the whole array instead of each row.
# loses: test_log_softmax
# %% solution id=log_softmax
def log_softmax(logits):
    z = np.asarray(logits, dtype=np.float64)
    m = z.max(axis=-1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m)))
