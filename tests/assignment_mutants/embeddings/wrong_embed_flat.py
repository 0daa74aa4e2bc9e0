# Wrong: flattens the ids, so a (B, T) batch gives (B*T, D) instead of (B, T, D).
# loses: test_embed_lookup
# %% solution id=embed
def embed(ids, table):
    ids = np.asarray(ids, dtype=np.int64).ravel()
    table = np.asarray(table, dtype=np.float64)
    if ids.size and (ids.min() < 0 or ids.max() >= table.shape[0]):
        raise ValueError("id out of range")
    return table[ids]
