# Wrong: adds 1e-8 to the denominator to avoid the division by zero (every value is slightly off).
# loses: test_cosine
# %% solution id=cosine_similarity
def cosine_similarity(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-8))
