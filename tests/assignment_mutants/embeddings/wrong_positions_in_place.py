# Wrong: adds the positions in place, changing the caller's array.
# loses: test_add_positions
# %% solution id=add_positions
def add_positions(x, positions):
    x = np.asarray(x, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.float64)
    t = x.shape[-2]
    if t > positions.shape[0] or x.shape[-1] != positions.shape[1]:
        raise ValueError("shapes do not fit")
    x += positions[:t]
    return x
