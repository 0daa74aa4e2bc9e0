# Wrong: the sum of -log p(target) over the positions instead of the mean.
# loses: test_cross_entropy
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    logp = log_softmax(logits)
    targets = np.asarray(targets)
    if np.any(targets < 0) or np.any(targets >= logp.shape[1]):
        raise ValueError("bad target")
    return float(-logp[np.arange(len(targets)), targets].sum())
