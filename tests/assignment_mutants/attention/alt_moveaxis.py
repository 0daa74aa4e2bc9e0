# Correct: the mask from np.arange comparisons, heads split and merged with np.moveaxis.
# %% solution id=causal_mask
def causal_mask(T):
    positions = np.arange(T)
    return positions[None, :] <= positions[:, None]
# %% solution id=split_merge
def split_heads(x, n_head):
    x = np.array(x, dtype=float)
    *lead, T, C = x.shape
    if C % n_head != 0:
        raise ValueError(f"{C} columns cannot be split into {n_head} heads")
    return np.moveaxis(x.reshape(*lead, T, n_head, C // n_head), -2, -3)


def merge_heads(y):
    y = np.array(y, dtype=float)
    *lead, H, T, D = y.shape
    return np.moveaxis(y, -3, -2).reshape(*lead, T, H * D)
