# Wrong: split and merge written for one sequence (T, C) only; a batch fails.
# loses: test_split_merge test_multi_head_batch_causal
# %% solution id=split_merge
def split_heads(x, n_head):
    x = np.asarray(x, dtype=np.float64)
    T, C = x.shape
    if C % n_head:
        raise ValueError("C must be a multiple of n_head")
    return x.reshape(T, n_head, C // n_head).transpose(1, 0, 2)


def merge_heads(y):
    y = np.asarray(y, dtype=np.float64)
    H, T, D = y.shape
    return y.transpose(1, 0, 2).reshape(T, H * D)
