# Wrong: logp[:, targets] picks a whole table (every row, every target), not one entry per row.
# loses: test_cross_entropy
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    logp = log_softmax(logits)
    targets = np.asarray(targets)
    if np.any(targets < 0) or np.any(targets >= logp.shape[1]):
        raise ValueError("bad target")
    return float(-logp[:, targets].mean())
