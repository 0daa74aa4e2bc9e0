# Wrong: ranks by dot product instead of cosine similarity (long vectors win).
# expect: test_neighbours=0
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    table = np.asarray(table, dtype=np.float64)
    scores = table @ np.asarray(query, dtype=np.float64)
    candidates = [i for i in range(len(table)) if i != exclude]
    if not 1 <= k <= len(candidates):
        raise ValueError("bad k")
    return sorted(candidates, key=lambda i: (-scores[i], i))[:k]
