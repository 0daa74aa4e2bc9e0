# Wrong: keeps the table's dtype, so an integer table gives integer embeddings.
# loses: test_embed_lookup
# %% solution id=embed
def embed(ids, table):
    ids = np.asarray(ids, dtype=np.int64)
    table = np.asarray(table)
    if ids.size and (ids.min() < 0 or ids.max() >= table.shape[0]):
        raise ValueError("id out of range")
    return table[ids]
