# Wrong: accepts id V (checks id > V); numpy then raises IndexError.
# loses: test_embed_out_of_range
# %% solution id=embed
def embed(ids, table):
    ids = np.asarray(ids, dtype=np.int64)
    table = np.asarray(table, dtype=np.float64)
    if ids.size and (ids.min() < 0 or ids.max() > table.shape[0]):
        raise ValueError("id out of range")
    return table[ids]
