# Wrong: no range check: target -1 silently picks the last column.
# loses: test_ce_backward
# %% solution id=cross_entropy_backward
def cross_entropy_backward(logits, targets, ignore_index=None):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    keep = np.ones(len(targets), dtype=bool) if ignore_index is None else targets != ignore_index
    if not keep.any():
        raise ValueError('every position is ignored')
    grad = softmax(logits)
    rows = np.flatnonzero(keep)
    grad[rows, targets[rows]] -= 1.0
    grad[~keep] = 0.0
    return grad / keep.sum()
