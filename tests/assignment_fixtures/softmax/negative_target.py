# Wrong: checks only targets >= V; target -1 silently picks the last column.
# expect: test_cross_entropy_targets=0
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    logp = log_softmax(logits)
    targets = np.asarray(targets)
    if np.any(targets >= logp.shape[1]):
        raise ValueError("target out of range")
    return float(-logp[np.arange(len(targets)), targets].mean())
