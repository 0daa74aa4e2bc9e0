# Wrong: takes T = len(x), which is B for a batch (B, T, D).
# loses: test_add_positions
# %% solution id=add_positions
def add_positions(x, positions):
    x = np.asarray(x, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.float64)
    t = len(x)
    if t > positions.shape[0] or x.shape[-1] != positions.shape[1]:
        raise ValueError("shapes do not fit")
    return x + positions[:t]
