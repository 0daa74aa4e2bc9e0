# Wrong: deletes the excluded row, then returns positions in the shorter table (ids shift).
# loses: test_neighbours
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    table = np.asarray(table, dtype=np.float64)
    if exclude is not None:
        table = np.delete(table, exclude, axis=0)
    if not 1 <= k <= len(table):
        raise ValueError("bad k")
    ranked = sorted(range(len(table)), key=lambda i: (-cosine_similarity(query, table[i]), i))
    return ranked[:k]
