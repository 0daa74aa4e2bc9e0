# Wrong: checks D but not T <= max_len (a single position vector broadcasts over every position).
# loses: test_add_positions
# %% solution id=add_positions
def add_positions(x, positions):
    x = np.asarray(x, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.float64)
    if x.shape[-1] != positions.shape[1]:
        raise ValueError("D differs")
    return x + positions[:x.shape[-2]]
