# Wrong: np.array of a list of rows: an empty id list gives shape (0,) instead of (0, D).
# loses: test_embed_lookup
# %% solution id=embed
def embed(ids, table):
    table = np.asarray(table, dtype=np.float64)
    ids = np.asarray(ids)
    if ids.size and (ids.min() < 0 or ids.max() >= len(table)):
        raise ValueError("id out of range")
    return np.array([table[i] for i in ids], dtype=np.float64)
