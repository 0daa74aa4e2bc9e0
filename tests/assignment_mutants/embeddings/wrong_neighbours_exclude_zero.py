# Wrong: "if exclude:" treats exclude=0 as no exclusion.
# loses: test_neighbours
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    table = np.asarray(table, dtype=np.float64)
    candidates = [i for i in range(len(table)) if not (exclude and i == exclude)]
    if not 1 <= k <= len(candidates):
        raise ValueError("bad k")
    ranked = sorted(candidates, key=lambda i: (-cosine_similarity(query, table[i]), i))
    return [int(i) for i in ranked[:k]]
