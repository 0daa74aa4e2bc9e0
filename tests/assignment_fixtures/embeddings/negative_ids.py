# Wrong: checks only ids >= V; id -1 silently returns the last row.
# expect: test_embed_out_of_range=0
# %% solution id=embed
def embed(ids, table):
    ids = np.asarray(ids, dtype=np.int64)
    table = np.asarray(table, dtype=np.float64)
    if np.any(ids >= len(table)):
        raise ValueError("id too large")
    return table[ids]
