# Wrong: interleaved heads (head h gets columns h, h+H, h+2H, ...), merged back the same way.
# loses: test_split_merge
# %% solution id=split_merge
def split_heads(x, n_head):
    x = np.asarray(x, dtype=np.float64)
    T, C = x.shape[-2], x.shape[-1]
    if C % n_head:
        raise ValueError("C must be a multiple of n_head")
    x = x.reshape(x.shape[:-1] + (C // n_head, n_head))  # (..., T, D, H)
    return np.moveaxis(x, -1, -3)  # (..., H, T, D)


def merge_heads(y):
    y = np.asarray(y, dtype=np.float64)
    H, T, D = y.shape[-3:]
    return np.moveaxis(y, -3, -1).reshape(y.shape[:-3] + (T, H * D))
