# Wrong tie rule: argsort ascending then reversed puts the LARGER id first on ties.
# expect: test_neighbours=0
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    table = np.asarray(table, dtype=np.float64)
    sims = np.array([cosine_similarity(query, row) for row in table])
    if exclude is not None:
        sims[exclude] = -np.inf
    n_ok = len(table) - (exclude is not None)
    if not 1 <= k <= n_ok:
        raise ValueError("bad k")
    return [int(i) for i in np.argsort(sims, kind="stable")[::-1][:k]]
