# Wrong: computes softmax in place into the caller's logits array.
# loses: test_ce_backward
# %% solution id=cross_entropy_backward
def cross_entropy_backward(logits, targets, ignore_index=None):
    z = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    keep = np.ones(len(targets), dtype=bool) if ignore_index is None else targets != ignore_index
    if not keep.any():
        raise ValueError('every position is ignored')
    if np.any(targets[keep] < 0) or np.any(targets[keep] >= z.shape[1]):
        raise ValueError('target out of range')
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    rows = np.flatnonzero(keep)
    z[rows, targets[rows]] -= 1.0
    z[~keep] = 0.0
    z /= keep.sum()
    return z
