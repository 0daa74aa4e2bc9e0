# Wrong: np.argsort's default sort is not stable for long tables: tied rows come out of id order.
# loses: test_neighbours
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    table = np.asarray(table, dtype=np.float64)
    scores = np.array([cosine_similarity(query, row) for row in table])
    if exclude is not None:
        scores[exclude] = -np.inf
    n = len(table) - (exclude is not None)
    if not 1 <= k <= n:
        raise ValueError("bad k")
    return [int(i) for i in np.argsort(-scores)[:k]]
