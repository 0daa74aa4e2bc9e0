# Wrong: uses len(x) as the number of positions; in a batch (B, T, D) that is B, not T.
# expect: test_add_positions=0
# %% solution id=add_positions
def add_positions(x, positions):
    x = np.asarray(x, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.float64)
    if len(x) > len(positions) or x.shape[-1] != positions.shape[1]:
        raise ValueError("x does not fit the positions")
    return x + positions[:len(x)]
