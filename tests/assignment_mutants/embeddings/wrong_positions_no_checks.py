# Wrong: relies on numpy's broadcasting error instead of checking (a 1-row or 1-column table broadcasts silently).
# loses: test_add_positions
# %% solution id=add_positions
def add_positions(x, positions):
    x = np.asarray(x, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.float64)
    return x + positions[:x.shape[-2]]
