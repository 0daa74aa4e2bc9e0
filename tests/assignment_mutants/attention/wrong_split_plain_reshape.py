# Wrong: split as x.reshape(H, T, D), which mixes positions; merge as its inverse reshape.
# loses: test_split_merge
# %% solution id=split_merge
def split_heads(x, n_head):
    x = np.asarray(x, dtype=np.float64)
    T, C = x.shape[-2], x.shape[-1]
    if C % n_head:
        raise ValueError("C must be a multiple of n_head")
    return x.reshape(x.shape[:-2] + (n_head, T, C // n_head))


def merge_heads(y):
    y = np.asarray(y, dtype=np.float64)
    H, T, D = y.shape[-3:]
    return y.reshape(y.shape[:-3] + (T, H * D))
