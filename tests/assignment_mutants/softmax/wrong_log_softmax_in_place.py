# Wrong: log_softmax subtracts in place and changes the caller's array.
# loses: test_log_softmax
# %% solution id=log_softmax
def log_softmax(logits):
    z = np.asarray(logits, dtype=np.float64)
    z -= z.max(axis=-1, keepdims=True)
    z -= np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return z
