# Wrong: divides by the kept positions but leaves softmax in the ignored rows.
# loses: test_ce_backward_ignore
# %% solution id=cross_entropy_backward
def cross_entropy_backward(logits, targets, ignore_index=None):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    n_rows, vocab = logits.shape
    keep = np.ones(n_rows, dtype=bool) if ignore_index is None else targets != ignore_index
    n_kept = int(keep.sum())
    if n_kept == 0:
        raise ValueError("every position is ignored")
    if np.any(targets[keep] < 0) or np.any(targets[keep] >= vocab):
        raise ValueError("target out of range")
    grad = softmax(logits)
    rows = np.flatnonzero(keep)
    grad[rows, targets[rows]] -= 1.0
    return grad / n_kept
