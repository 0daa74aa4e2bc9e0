# Wrong: divides by the squared lengths (a.a times b.b) instead of the lengths.
# loses: test_cosine
# %% solution id=cosine_similarity
def cosine_similarity(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d = (a @ a) * (b @ b)
    if d == 0:
        return 0.0
    return float(a @ b / d)
