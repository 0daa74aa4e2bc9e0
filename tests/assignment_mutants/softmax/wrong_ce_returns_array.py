# Wrong: returns a 0-d numpy array instead of a Python float.
# loses: test_cross_entropy
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    logp = log_softmax(logits)
    targets = np.asarray(targets)
    if np.any(targets < 0) or np.any(targets >= logp.shape[1]):
        raise ValueError("bad target")
    return np.asarray(-logp[np.arange(len(targets)), targets].mean())
