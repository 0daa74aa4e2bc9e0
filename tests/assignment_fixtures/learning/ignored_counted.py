# Wrong: divides by all N positions, also the ignored ones (should be the n kept ones).
# Without ignored positions it is right; the gradient check with ignore_index=0 catches it.
# expect: test_ce_backward_ignore=0 test_gradient_check=0
# %% solution id=cross_entropy_backward
def cross_entropy_backward(logits, targets, ignore_index=None):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    keep = np.ones(len(targets), dtype=bool) if ignore_index is None else targets != ignore_index
    if not keep.any():
        raise ValueError("every position is ignored")
    if np.any(targets[keep] < 0) or np.any(targets[keep] >= logits.shape[1]):
        raise ValueError("target out of range")
    grad = softmax(logits)
    rows = np.flatnonzero(keep)
    grad[rows, targets[rows]] -= 1.0
    grad[~keep] = 0.0
    return grad / len(targets)
