# Wrong: checks only a for the zero vector.
# loses: test_cosine_zero
# %% solution id=cosine_similarity
def cosine_similarity(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if not a.any():
        return 0.0
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
