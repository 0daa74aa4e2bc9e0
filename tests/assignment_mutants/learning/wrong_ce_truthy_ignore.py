# Wrong: 'if ignore_index:' so ignore_index=0 ignores nothing.
# loses: test_ce_backward_ignore
# %% solution id=cross_entropy_backward
def cross_entropy_backward(logits, targets, ignore_index=None):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    keep = targets != ignore_index if ignore_index else np.ones(len(targets), dtype=bool)
    if not keep.any():
        raise ValueError('every position is ignored')
    if np.any(targets[keep] < 0) or np.any(targets[keep] >= logits.shape[1]):
        raise ValueError('target out of range')
    grad = softmax(logits)
    rows = np.flatnonzero(keep)
    grad[rows, targets[rows]] -= 1.0
    grad[~keep] = 0.0
    return grad / keep.sum()
