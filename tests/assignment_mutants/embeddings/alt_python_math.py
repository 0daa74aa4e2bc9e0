# Correct: plain Python: math.sqrt for the cosine, sorted() with (-similarity, id) keys.
# %% solution id=cosine_similarity
import math

def cosine_similarity(a, b):
    a = [float(v) for v in a]
    b = [float(v) for v in b]
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return 0.0 if norm == 0.0 else dot / norm
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    rows = [list(r) for r in table]
    ids = [i for i in range(len(rows)) if exclude is None or i != exclude]
    if k < 1 or k > len(ids):
        raise ValueError(f"k must be in 1..{len(ids)}")
    sims = {i: cosine_similarity(query, rows[i]) for i in ids}
    return sorted(ids, key=lambda i: (-sims[i], i))[:k]
