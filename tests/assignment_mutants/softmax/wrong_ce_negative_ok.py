# Wrong: checks only the upper end of the targets; -1 silently reads the last word.
# loses: test_cross_entropy_targets
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    logp = log_softmax(logits)
    targets = np.asarray(targets)
    if np.any(targets >= logp.shape[1]):
        raise ValueError("bad target")
    return float(-logp[np.arange(len(targets)), targets].mean())
