# Wrong: log_softmax subtracts the maximum of the whole batch, not of each row.
# loses: test_log_softmax
# %% solution id=log_softmax
def log_softmax(logits):
    z = np.asarray(logits, dtype=np.float64)
    m = z.max()
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
