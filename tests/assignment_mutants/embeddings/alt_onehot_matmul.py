# Correct: the look-up as a one-hot matrix times the table; positions by np.arange indexing.
# %% solution id=embed
def embed(ids, table):
    w = np.asarray(table, dtype=np.float64)
    idx = np.asarray(ids, dtype=np.int64)
    bad = (idx < 0) | (idx >= w.shape[0])
    if bad.any():
        raise ValueError(f"ids out of range: {idx[bad]}")
    onehot = np.eye(w.shape[0])[idx]          # ids.shape + (V,)
    return onehot @ w
# %% solution id=add_positions
def add_positions(x, positions):
    x = np.array(x, dtype=float)
    pe = np.array(positions, dtype=float)
    T, D = x.shape[-2:]
    if pe.shape[0] < T:
        raise ValueError("sequence longer than the position table")
    if pe.shape[1] != D:
        raise ValueError("widths differ")
    return x + pe[np.arange(T)]
