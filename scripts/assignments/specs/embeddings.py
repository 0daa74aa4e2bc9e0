# Spec of the nbgrader assignment "embeddings"; build with: python scripts/assignments/build.py
# %% markdown
# # Assignment 2: embeddings
#
# A model cannot compute with the id of a word, so each id gets a row of numbers, its
# **embedding**, stored in a table of shape `(V, D)`: `V` words, `D` numbers per word.
# Because the same word can appear at different places in a sentence, a **position**
# vector is added to each embedding. **Cosine similarity** measures how close two
# embeddings point, and the **nearest neighbours** of a word are the words whose
# embeddings are most similar to it.
#
# Read first: the book chapter *Feature engineering*,
# <https://genai-lab.github.io/genai-lab/chapters/03_feature_engineering.html>
# (also in the repository as `chapters/03_feature_engineering.md`, which `make lab` opens as a
# notebook).
#
# **How this works.** Write your code where it says `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line). Under each function a read-only cell tests it. The
# tests you can see are a self-check; **more tests are hidden** and run when your notebook
# is graded, so follow the rules exactly.
#
# **Rules for every function.**
# * Use numpy only. Do not use `genai_lab` (the course package): during grading it is
#   switched off, and a function that calls it fails its tests.
# * Inputs can be Python lists or numpy arrays. Return new arrays of `float64` (never
#   change the arrays you were given).
# %% code id=setup
import numpy as np
# %% markdown
# ## 1. Looking up embeddings
#
# `embed(ids, table)` returns the rows of `table` (shape `(V, D)`) for the given ids:
# * `ids` can have any shape, for example `(T,)` for one sentence of `T` ids or `(B, T)`
#   for a batch; the result has shape `ids.shape + (D,)`, dtype `float64`. An empty list of
#   ids `[]` is a sentence of length 0: the result has shape `(0, D)`.
# * Every id must satisfy `0 <= id < V`; otherwise raise `ValueError`. Careful: numpy
#   accepts `table[-1]` (the last row) without complaint, so check negative ids yourself.
# %% solution id=embed
def embed(ids, table):
    """Rows of table for ids: ids (...), table (V, D) -> (..., D) float64."""
    ### BEGIN SOLUTION
    ids = np.asarray(ids)
    if ids.size == 0:
        ids = ids.astype(np.intp)  # np.asarray([]) is float64, which cannot index
    table = np.asarray(table, dtype=np.float64)  # (V, D)
    if ids.size and (ids.min() < 0 or ids.max() >= table.shape[0]):
        raise ValueError(f"ids must be in [0, {table.shape[0]}), got {ids}")
    return table[ids]  # (..., D)
    ### END SOLUTION
# %% tests id=test_embed_lookup points=2
table = np.array([[0.0, 0.1, 0.2],
                  [1.0, 1.1, 1.2],
                  [2.0, 2.1, 2.2],
                  [3.0, 3.1, 3.2]])  # V=4 words, D=3
result = embed([2, 0, 2], table)
assert isinstance(result, np.ndarray), f"embed must return a numpy array, got {type(result)}"
assert result.shape == (3, 3), f"3 ids, D=3: expected shape (3, 3), got {result.shape}"
assert result.dtype == np.float64, f"expected dtype float64, got {result.dtype}"
np.testing.assert_allclose(result, [[2.0, 2.1, 2.2], [0.0, 0.1, 0.2], [2.0, 2.1, 2.2]],
                           err_msg="embed([2, 0, 2], table) should be rows 2, 0, 2")
# %% hidden
table = np.arange(12, dtype=np.float64).reshape(4, 3) / 10  # (4, 3)
result = embed(np.array([[3, 1], [0, 0]], dtype=np.int32), table)
assert result.shape == (2, 2, 3), f"ids of shape (2, 2), D=3: expected (2, 2, 3), got {result.shape}"
np.testing.assert_allclose(result[0, 0], table[3], err_msg="batch lookup: row 3")
np.testing.assert_allclose(result[0, 1], table[1], err_msg="batch lookup: row 1")
np.testing.assert_allclose(result[1], [table[0], table[0]], err_msg="batch lookup: rows 0, 0")
result = embed([1], [[1, 2], [3, 4]])
assert result.dtype == np.float64, "an integer table must give float64 embeddings"
np.testing.assert_allclose(result, [[3.0, 4.0]], err_msg="embed([1], [[1, 2], [3, 4]])")
np.testing.assert_allclose(embed([3], table), [table[3]], err_msg="the last id V-1 is valid")
result = embed([], table)
assert isinstance(result, np.ndarray) and result.shape == (0, 3), \
    f"embed([], table with D=3) must have shape (0, 3), got {getattr(result, 'shape', result)}"
assert result.dtype == np.float64, "embed([], table) must have dtype float64"
# %% tests id=test_embed_out_of_range points=1
try:
    embed([0, 4], np.zeros((4, 3)))
except ValueError:
    pass
else:
    raise AssertionError("id 4 with a table of V=4 rows must raise ValueError")
# %% hidden
try:
    embed([1, -1], np.zeros((4, 3)))
except ValueError:
    pass
else:
    raise AssertionError("a negative id must raise ValueError (numpy reads -1 as the last row)")
# %% markdown
# ## 2. Adding positions
#
# `add_positions(x, positions)` adds a position vector to each embedding:
# * `x` has shape `(T, D)` (one sentence of `T` embeddings) or `(B, T, D)` (a batch of `B`
#   sentences); `positions` has shape `(max_len, D)`, row `t` is the vector of position `t`.
# * Add `positions[t]` to the embedding at position `t` (the first `T` rows of
#   `positions`), for every sentence of the batch. Return an array of the shape of `x`.
# * If `T > max_len`, or the `D` of `x` and of `positions` differ, raise `ValueError`.
#   Check this yourself: numpy's broadcasting would silently add a table of one row (or one
#   column) to every position.
# Careful: in a batch `(B, T, D)` the positions are along the **second** axis, not the
# first (`len(x)` is `B`, not `T`).
# %% solution id=add_positions
def add_positions(x, positions):
    """x (T, D) or (B, T, D) plus positions[:T] (max_len, D) -> same shape as x."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)  # (T, D) or (B, T, D)
    positions = np.asarray(positions, dtype=np.float64)  # (max_len, D)
    seq_len, dim = x.shape[-2], x.shape[-1]
    if seq_len > positions.shape[0] or dim != positions.shape[1]:
        raise ValueError(f"x of shape {x.shape} does not fit positions of shape "
                         f"{positions.shape}")
    return x + positions[:seq_len]  # (T, D) broadcasts over the batch axis
    ### END SOLUTION
# %% tests id=test_add_positions points=2
x = np.array([[1.0, 1.0, 1.0],
              [2.0, 2.0, 2.0]])  # T=2, D=3
positions = np.array([[0.0, 0.1, 0.2],
                      [1.0, 1.1, 1.2],
                      [2.0, 2.1, 2.2],
                      [3.0, 3.1, 3.2],
                      [4.0, 4.1, 4.2]])  # max_len=5, D=3
result = add_positions(x, positions)
assert isinstance(result, np.ndarray), f"add_positions must return a numpy array, got {type(result)}"
assert result.shape == (2, 3), f"expected the shape of x, (2, 3), got {result.shape}"
np.testing.assert_allclose(result, [[1.0, 1.1, 1.2], [3.0, 3.1, 3.2]],
                           err_msg="position 0 is added to the first row, position 1 to the "
                                   "second")
np.testing.assert_allclose(x, [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]],
                           err_msg="add_positions must not change x")
# %% hidden
positions = np.arange(20, dtype=np.float64).reshape(5, 4)  # max_len=5, D=4
x = np.zeros((3, 2, 4))  # B=3 sentences, T=2, D=4
x[1] += 100.0
result = add_positions(x, positions)
assert result.shape == (3, 2, 4), f"a batch (3, 2, 4) keeps its shape, got {result.shape}"
for b in range(3):
    for t in range(2):
        np.testing.assert_allclose(result[b, t], x[b, t] + positions[t],
                                   err_msg="in a batch (B, T, D), position t is added to "
                                           "x[b, t] for every sentence b")
for bad in (np.zeros((6, 4)), np.zeros((2, 6, 4)), np.zeros((2, 3))):
    try:
        add_positions(bad, positions)
    except ValueError:
        pass
    else:
        raise AssertionError(f"x of shape {bad.shape} with positions (5, 4) must raise "
                             "ValueError")
for bad_positions in (np.ones((1, 4)), np.ones((5, 1))):  # would broadcast silently
    try:
        add_positions(np.zeros((3, 4)), bad_positions)
    except ValueError:
        pass
    else:
        raise AssertionError(f"x of shape (3, 4) with positions {bad_positions.shape} must "
                             "raise ValueError (T > max_len or D differs)")
# %% markdown
# ## 3. Cosine similarity
#
# `cosine_similarity(a, b)` for two vectors of the same length:
# $\cos(a, b) = \dfrac{a \cdot b}{\lVert a \rVert \, \lVert b \rVert}$, a number between -1
# and 1 (1: same direction, 0: perpendicular, -1: opposite). It ignores the lengths of the
# vectors: `[1, 2]` and `[2, 4]` have similarity 1.
# * Return a Python `float` (use `float(...)`).
# * **If `a` or `b` is the zero vector** (all zeros), the formula divides by 0: return
#   `0.0` instead (and do not produce `nan` or a warning). Only the exact zero vector: a
#   very short vector such as `[3e-9, 4e-9]` is not zero and has its usual similarity.
# %% solution id=cosine_similarity
def cosine_similarity(a, b):
    """Cosine of the angle between two vectors (D,), (D,) -> float; 0.0 for a zero vector."""
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=np.float64)  # (D,)
    b = np.asarray(b, dtype=np.float64)  # (D,)
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    if norms == 0.0:
        return 0.0
    return float(a @ b / norms)
    ### END SOLUTION
# %% tests id=test_cosine points=2
result = cosine_similarity([1.0, 0.0], [0.0, 1.0])
assert isinstance(result, float), f"cosine_similarity must return a float, got {type(result)}"
np.testing.assert_allclose(result, 0.0, atol=1e-12, err_msg="perpendicular vectors: 0")
np.testing.assert_allclose(cosine_similarity([1.0, 2.0], [2.0, 4.0]), 1.0, rtol=1e-12,
                           err_msg="[1, 2] and [2, 4] point the same way: 1")
np.testing.assert_allclose(cosine_similarity([1.0, 0.0], [1.0, 1.0]), 1 / np.sqrt(2),
                           rtol=1e-12, err_msg="45 degrees: 1/sqrt(2)")
# %% hidden
np.testing.assert_allclose(cosine_similarity([3.0, -4.0], [-6.0, 8.0]), -1.0, rtol=1e-12,
                           err_msg="opposite vectors: -1")
np.testing.assert_allclose(cosine_similarity([10.0, 0.0, 0.0], [1.0, 1.0, 0.0]),
                           1 / np.sqrt(2), rtol=1e-12,
                           err_msg="the lengths of the vectors must not matter")
np.testing.assert_allclose(cosine_similarity(np.array([1, 2, 2]), np.array([2, 1, 2])),
                           8 / 9, rtol=1e-12, err_msg="[1,2,2].[2,1,2] = 8, lengths 3 and 3")
# %% tests id=test_cosine_zero points=1
result = cosine_similarity([0.0, 0.0, 0.0], [1.0, 2.0, 3.0])
assert isinstance(result, float), f"cosine_similarity must return a float, got {type(result)}"
assert result == 0.0, f"the cosine similarity with a zero vector is defined as 0.0, got {result}"
# %% hidden
assert cosine_similarity([1.0, 2.0], [0.0, 0.0]) == 0.0, "zero vector as b: 0.0"
assert cosine_similarity([0.0, 0.0], [0.0, 0.0]) == 0.0, "two zero vectors: 0.0"
np.testing.assert_allclose(cosine_similarity([3e-9, 4e-9], [6e-9, 8e-9]), 1.0, rtol=1e-12,
                           err_msg="very short vectors are not zero vectors: same direction, 1")
# %% markdown
# ## 4. Nearest neighbours
#
# `nearest_neighbours(query, table, k, exclude=None)` returns the ids of the `k` rows of
# `table` (shape `(V, D)`) whose **cosine similarity** with the vector `query` (shape
# `(D,)`) is largest:
# * a Python `list` of `int`, the most similar first;
# * when two rows have the same similarity, the **smaller id comes first** (careful:
#   numpy's default `np.argsort` keeps that order only for short arrays; sort
#   `(-similarity, id)` pairs or use `kind="stable"`);
# * a zero row has similarity 0 (as in `cosine_similarity`);
# * if `exclude` is an id, that row is never returned (use it to skip the query word
#   itself);
# * `k` must satisfy `1 <= k <=` the number of rows that can be returned; otherwise raise
#   `ValueError`.
# Use cosine similarity, not the dot product: a long vector is not "more similar".
# %% solution id=nearest_neighbours
def nearest_neighbours(query, table, k, exclude=None):
    """Ids of the k rows of table (V, D) most cosine-similar to query (D,), best first."""
    ### BEGIN SOLUTION
    query = np.asarray(query, dtype=np.float64)  # (D,)
    table = np.asarray(table, dtype=np.float64)  # (V, D)
    candidates = [i for i in range(table.shape[0]) if i != exclude]
    if not 1 <= k <= len(candidates):
        raise ValueError(f"k must be between 1 and {len(candidates)}, got {k}")
    scores = [cosine_similarity(query, table[i]) for i in candidates]
    ranked = sorted(zip(scores, candidates), key=lambda pair: (-pair[0], pair[1]))
    return [int(i) for _, i in ranked[:k]]
    ### END SOLUTION
# %% tests id=test_neighbours points=2
table = np.array([[1.0, 0.0],     # id 0: same direction as the query
                  [10.0, 10.0],   # id 1: long, 45 degrees away
                  [0.0, 1.0],     # id 2: perpendicular
                  [-1.0, 0.0],    # id 3: opposite
                  [0.9, 0.1]])    # id 4: almost the same direction
result = nearest_neighbours([2.0, 0.0], table, 3)
assert isinstance(result, list), f"nearest_neighbours must return a list, got {type(result)}"
assert all(isinstance(i, int) for i in result), "the ids must be Python ints"
assert result == [0, 4, 1], f"expected [0, 4, 1] (cosine similarity, most similar first), got {result}"
assert nearest_neighbours(table[0], table, 2, exclude=0) == [4, 1], \
    "exclude=0 must skip row 0"
# %% hidden
# Rows 1, 3 and 5 point the same way (lengths 5, 10, 15): exact ties.
table = np.array([[0.0, 5.0], [3.0, 4.0], [0.0, 0.0], [6.0, 8.0], [-3.0, -4.0], [9.0, 12.0]])
result = nearest_neighbours([3.0, 4.0], table, 4)
assert result == [1, 3, 5, 0], f"ties (ids 1, 3, 5 have similarity 1) in id order: got {result}"
result = nearest_neighbours([1.0, 0.0], table, 6)
assert result == [1, 3, 5, 0, 2, 4], f"the zero row has similarity 0, ties in id order: got {result}"
assert nearest_neighbours([3.0, 4.0], table, 3, exclude=3) == [1, 5, 0], "exclude=3"
assert nearest_neighbours([1.0, 0.0], [[-1.0, 0.0], [0.0, 0.0]], 2) == [1, 0], \
    "a zero row (similarity 0) ranks above an opposite row (similarity -1)"
# A long table (30 rows) with many exact ties: multiples of 5 directions (one is zero).
directions = [[3.0, 4.0], [4.0, 3.0], [0.0, 5.0], [-3.0, -4.0], [0.0, 0.0]]
long_table = np.array([[(1 + (i * 7) % 4) * v for v in directions[i % 5]] for i in range(30)])
def plain_cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    norm = (sum(x * x for x in a) * sum(y * y for y in b)) ** 0.5
    return 0.0 if norm == 0 else dot / norm
sims = [plain_cosine([3.0, 4.0], row) for row in long_table]
expected = sorted(range(30), key=lambda i: (-sims[i], i))
result = nearest_neighbours([3.0, 4.0], long_table, 30)
assert result == expected, f"30 rows with ties: ties in id order (stable sort), got {result}"
for bad_k, exclude in ((0, None), (7, None), (6, 1)):
    try:
        nearest_neighbours([3.0, 4.0], table, bad_k, exclude=exclude)
    except ValueError:
        pass
    else:
        raise AssertionError(f"k={bad_k} with 6 rows and exclude={exclude} must raise "
                             "ValueError")
# %% markdown
# ## Self-check
#
# Run the cell below after all the others. It tells you which visible tests passed. Hidden
# tests are not part of it: they run when your notebook is graded.
# In JupyterLab you can also click **Validate** in the toolbar (or run
# `nbgrader validate embeddings.ipynb`).
