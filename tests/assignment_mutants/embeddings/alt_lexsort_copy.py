# Correct: ellipsis indexing on a copy for the positions of a batch, np.lexsort for the ranking.
# %% solution id=add_positions
def add_positions(x, positions):
    x = np.asarray(x, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.float64)
    if x.shape[-1] != positions.shape[-1] or x.shape[-2] > positions.shape[0]:
        raise ValueError(f"cannot add positions {positions.shape} to x {x.shape}")
    out = x.copy()
    out[..., :, :] += positions[: x.shape[-2], :]
    return out
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    table = np.asarray(table, dtype=np.float64)
    ids = np.array([i for i in range(table.shape[0]) if i != exclude], dtype=int)
    if not 1 <= k <= ids.size:
        raise ValueError("bad k")
    sims = np.array([cosine_similarity(query, table[i]) for i in ids])
    order = np.lexsort((ids, -sims))
    return [int(i) for i in ids[order][:k]]
