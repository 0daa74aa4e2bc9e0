# Wrong: ranks by the dot product, so a long vector looks "more similar".
# loses: test_neighbours
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    query = np.asarray(query, dtype=np.float64)
    table = np.asarray(table, dtype=np.float64)
    candidates = [i for i in range(len(table)) if i != exclude]
    if not 1 <= k <= len(candidates):
        raise ValueError("bad k")
    ranked = sorted(candidates, key=lambda i: (-(table[i] @ query), i))
    return [int(i) for i in ranked[:k]]
