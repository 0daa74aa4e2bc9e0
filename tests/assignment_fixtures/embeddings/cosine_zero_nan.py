# Wrong: no special case for a zero vector (0/0 = nan). The reference
# nearest_neighbours calls cosine_similarity, so a zero row breaks it too.
# expect: test_cosine_zero=0 test_neighbours=0
# %% solution id=cosine_similarity
def cosine_similarity(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
