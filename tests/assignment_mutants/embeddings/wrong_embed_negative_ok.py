# Wrong: checks only ids >= V; a negative id silently reads a row from the end.
# loses: test_embed_out_of_range
# %% solution id=embed
def embed(ids, table):
    ids = np.asarray(ids, dtype=np.int64)
    table = np.asarray(table, dtype=np.float64)
    if ids.size and ids.max() >= table.shape[0]:
        raise ValueError("id out of range")
    return table[ids]
