# Wrong: treats every vector shorter than 1e-6 as zero (tiny vectors that are not zero get 0.0).
# loses: test_cosine_zero
# %% solution id=cosine_similarity
def cosine_similarity(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na < 1e-6 or nb < 1e-6:
        return 0.0
    return float(a @ b / (na * nb))
