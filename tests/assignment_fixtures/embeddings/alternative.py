# Correct, written differently: np.take, broadcasting with None, math for the cosine,
# np.lexsort for the ranking.
# expect:
# %% solution id=embed
def embed(ids, table):
    table = np.array(table, dtype=float)
    ids = np.array(ids, dtype=np.int64)
    bad = (ids < 0) | (ids >= table.shape[0])
    if bad.any():
        raise ValueError(f"ids out of range: {ids[bad]}")
    return np.take(table, ids, axis=0)
# %% solution id=add_positions
def add_positions(x, positions):
    x = np.array(x, dtype=float)
    pos = np.array(positions, dtype=float)
    T, D = x.shape[-2:]
    if T > pos.shape[0]:
        raise ValueError("sequence longer than the position table")
    if D != pos.shape[-1]:
        raise ValueError("dimensions differ")
    if x.ndim == 3:
        return x + pos[None, :T, :]
    return x + pos[:T]
# %% solution id=cosine_similarity
import math

def cosine_similarity(a, b):
    a = [float(v) for v in a]
    b = [float(v) for v in b]
    na = math.sqrt(sum(v * v for v in a))
    nb = math.sqrt(sum(v * v for v in b))
    if na == 0 or nb == 0:
        return 0.0
    return sum(x * y for x, y in zip(a, b)) / (na * nb)
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    table = np.array(table, dtype=float)
    ids = np.array([i for i in range(len(table)) if i != exclude], dtype=int)
    if k < 1 or k > len(ids):
        raise ValueError(f"k={k} but only {len(ids)} rows")
    sims = np.array([cosine_similarity(query, table[i]) for i in ids])
    order = np.lexsort((ids, -sims))  # by -similarity, then by id
    return [int(i) for i in ids[order][:k]]
