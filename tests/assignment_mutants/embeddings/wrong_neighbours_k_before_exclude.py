# Wrong: checks k against all V rows, even when one row is excluded.
# loses: test_neighbours
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    table = np.asarray(table, dtype=np.float64)
    if not 1 <= k <= len(table):
        raise ValueError("bad k")
    candidates = [i for i in range(len(table)) if i != exclude]
    ranked = sorted(candidates, key=lambda i: (-cosine_similarity(query, table[i]), i))
    return [int(i) for i in ranked[:k]]
