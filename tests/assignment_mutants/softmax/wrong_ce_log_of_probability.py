# Wrong: -log of the softmax probability: the probability of a very unlikely target is 0.
# loses: test_cross_entropy
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    p = softmax(logits)
    targets = np.asarray(targets)
    if np.any(targets < 0) or np.any(targets >= p.shape[1]):
        raise ValueError("bad target")
    return float(-np.log(p[np.arange(len(targets)), targets]).mean())
