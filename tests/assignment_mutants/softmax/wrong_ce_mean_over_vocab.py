# Wrong: the mean of -onehot * log p over all N x V entries (divides by V as well).
# loses: test_cross_entropy
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    logp = log_softmax(logits)
    targets = np.asarray(targets)
    if np.any(targets < 0) or np.any(targets >= logp.shape[1]):
        raise ValueError("bad target")
    onehot = np.eye(logp.shape[1])[targets]
    return float(-(onehot * logp).mean())
