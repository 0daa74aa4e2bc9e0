# Correct: np.take along axis 0; cosine with np.dot and np.sqrt.
# %% solution id=embed
def embed(ids, table):
    table = np.asarray(table, dtype=float)
    ids = np.asarray(ids, dtype=np.intp)
    if np.any(ids < 0) or np.any(ids >= len(table)):
        raise ValueError("ids must be in [0, V)")
    return np.take(table, ids, axis=0)
# %% solution id=cosine_similarity
def cosine_similarity(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    na, nb = np.sqrt(np.dot(a, a)), np.sqrt(np.dot(b, b))
    if na == 0 or nb == 0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))
