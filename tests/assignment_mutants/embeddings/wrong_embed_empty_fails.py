# Wrong: ids.min() of an empty id list raises (numpy cannot reduce an empty array).
# loses: test_embed_lookup
# %% solution id=embed
def embed(ids, table):
    ids = np.asarray(ids)
    table = np.asarray(table, dtype=np.float64)
    if ids.min() < 0 or ids.max() >= table.shape[0]:
        raise ValueError("id out of range")
    return table[ids]
