# Spec of the nbgrader assignment "attention"; build with: python scripts/assignments/build.py
# %% markdown
# # Assignment 5: causal self-attention
#
# In a transformer every position of a sentence gathers information from the other
# positions. **Self-attention** does it in three steps: each position asks a question
# (its **query**), offers a label (its **key**) and a content (its **value**); the
# **score** of a query against a key says how well they match; a softmax turns the scores
# of a row into **attention weights** (positive, summing to 1); and the position's output
# is the weighted sum of the values. In a language model the attention is **causal**: a
# position may read itself and the earlier positions, never a later one (when the model
# predicts the next word, the later words are not written yet). **Multi-head** attention
# runs several such attentions side by side on slices of the vectors and joins them.
#
# Read first: the book chapter *Neural network layers*,
# <https://genai-lab.github.io/genai-lab/chapters/08_neural_network_layers.html>
# (also in the repository as `chapters/08_neural_network_layers.md`, which `make lab` opens
# as a notebook), section *Attention: what each word looks at*.
#
# **How this works.** Write your code where it says `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line). Under each function a read-only cell tests it. The
# tests you can see are a self-check; **more tests are hidden** and run when your notebook
# is graded, so follow the rules exactly.
#
# **Rules for every function.**
# * Use numpy only. Do not use `genai_lab` (the course package): during grading it is
#   switched off, and a function that calls it fails its tests.
# * Inputs are numpy arrays (or lists) of floats; return new numpy arrays of `float64`
#   (`np.asarray(x, dtype=np.float64)` at the start). Never change the arrays you were given.
# * Every function works on one sequence of shape `(T, ...)` **and** on a batch with extra
#   leading axes, such as `(B, T, ...)`: the last axes are the ones named in the task, and
#   every leading axis is a separate sequence. Use `np.swapaxes(k, -1, -2)` to swap the last
#   two axes (`k.T` reverses *all* axes of a batch) and `@`, which works on the last two axes.
#
# Letters: `T` positions, `C` numbers per position (the model width), `D` numbers per query,
# key or value, `H` heads.
# %% code id=setup
import numpy as np
# %% markdown
# ## 1. The causal mask
#
# `causal_mask(T)` returns a `(T, T)` array of `bool`: entry `[i, j]` is `True` when
# position `i` may look at position `j`, that is when `j <= i` (itself and the earlier
# positions), and `False` for every later position `j > i`. Row `i` is the query
# position, column `j` the key position.
#
# Example: `causal_mask(3)` is
# `[[True, False, False], [True, True, False], [True, True, True]]`.
# %% solution id=causal_mask
def causal_mask(T):
    """(T, T) bool: True where query position i may look at key position j (j <= i)."""
    ### BEGIN SOLUTION
    return np.tril(np.ones((T, T), dtype=bool))  # lower triangle, diagonal included
    ### END SOLUTION
# %% tests id=test_causal_mask points=1
result = causal_mask(3)
assert isinstance(result, np.ndarray), f"causal_mask must return a numpy array, got {type(result)}"
assert result.shape == (3, 3), f"causal_mask(3) must have shape (3, 3), got {result.shape}"
assert result.dtype == np.bool_, f"causal_mask must be an array of bool, got {result.dtype}"
np.testing.assert_array_equal(result, [[True, False, False], [True, True, False],
                                       [True, True, True]],
                              err_msg="entry [i, j] is True when j <= i: a position sees itself "
                                      "and the EARLIER positions (row = query, column = key)")
# %% hidden
np.testing.assert_array_equal(causal_mask(1), [[True]], err_msg="causal_mask(1) is [[True]]")
result = causal_mask(6)
assert result.dtype == np.bool_ and result.shape == (6, 6), "causal_mask(6): (6, 6) bool"
for i in range(6):
    for j in range(6):
        assert result[i, j] == (j <= i), f"causal_mask(6)[{i}, {j}] must be {j <= i}"
# %% markdown
# ## 2. Attention weights
#
# `attention_weights(q, k)` takes the queries `q` and the keys `k`, both of shape
# `(..., T, D)`, and returns the attention weights, shape `(..., T, T)`:
# 1. **scores**: $s_{ij} = \dfrac{q_i \cdot k_j}{\sqrt{D}}$ for every query position `i`
#    and key position `j`, that is `q @ np.swapaxes(k, -1, -2) / np.sqrt(D)`, where `D` is
#    the **last** axis of `q` (the width of one query), not `T`;
# 2. **causal mask**: set the scores of the later positions (`j > i`) to `-np.inf`
#    **before** the softmax, so that their weights are exactly 0 whatever their scores
#    (even a huge score of a later position must not matter);
# 3. **softmax over the last axis** (over the keys `j`, so that each row sums to 1),
#    subtracting each row's maximum of the allowed scores first so that scores in the
#    thousands (positive or negative) work. Row `i` has weight 0 at every `j > i`.
#
# Two cases with known answers: if all scores are equal (for example `q` all zeros), row
# `i` is uniform over its `i + 1` allowed positions: `[1, 0, 0]`, `[1/2, 1/2, 0]`,
# `[1/3, 1/3, 1/3]`. If the score of one allowed key is much larger than the others, its
# weight is 1 and the others 0.
# %% solution id=attention_weights
def attention_weights(q, k):
    """Causal softmax(q k^T / sqrt(D)) over the keys: q, k (..., T, D) -> (..., T, T)."""
    ### BEGIN SOLUTION
    q = np.asarray(q, dtype=np.float64)  # (..., T, D)
    k = np.asarray(k, dtype=np.float64)  # (..., T, D)
    T, D = q.shape[-2], q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(D)  # (..., T, T): row i = query i
    scores = np.where(causal_mask(T), scores, -np.inf)  # later keys can never be chosen
    scores = scores - scores.max(axis=-1, keepdims=True)  # the diagonal is always allowed
    e = np.exp(scores)  # (..., T, T), exactly 0 where masked
    return e / e.sum(axis=-1, keepdims=True)
    ### END SOLUTION
# %% tests id=test_weights_known points=2
# All scores equal (q is zero): row i is uniform over positions 0..i.
q = np.zeros((3, 2))
k = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])  # (T=3, D=2)
result = attention_weights(q, k)
assert isinstance(result, np.ndarray), f"attention_weights must return a numpy array, got {type(result)}"
assert result.shape == (3, 3), f"q, k of shape (3, 2): weights of shape (3, 3), got {result.shape}"
assert result.dtype == np.float64, f"expected dtype float64, got {result.dtype}"
np.testing.assert_allclose(result.sum(axis=-1), np.ones(3), rtol=1e-12,
                           err_msg="each ROW of the weights must sum to 1 (softmax over the "
                                   "keys, the last axis)")
np.testing.assert_allclose(result, [[1, 0, 0], [1 / 2, 1 / 2, 0], [1 / 3, 1 / 3, 1 / 3]],
                           rtol=1e-12, atol=1e-15,
                           err_msg="equal scores: row i is uniform over positions 0..i and 0 "
                                   "after i (is the mask the right way round?)")
# One-hot: q_i . k_j is 900 when i == j and 0 otherwise, so each position reads itself only.
eye = 30.0 * np.eye(4)  # (T=4, D=4)
np.testing.assert_allclose(attention_weights(eye, eye), np.eye(4), atol=1e-12,
                           err_msg="a much larger score on the diagonal gives weight 1 there")
# %% hidden
q = np.zeros((5, 3))
k = np.arange(15, dtype=np.float64).reshape(5, 3)
before = k.copy()
result = attention_weights(q, k)
np.testing.assert_array_equal(k, before, err_msg="attention_weights must not change k")
expected = np.array([[1.0 / (i + 1) if j <= i else 0.0 for j in range(5)] for i in range(5)])
np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-15,
                           err_msg="equal scores, T=5: row i uniform over 0..i")
assert np.all(result[np.triu_indices(5, 1)] == 0.0), "the weight of every later position " \
                                                      "must be exactly 0"
# One-hot on the first key: q_i . k_0 = 2500 for every i, the other scores -2500.
q = np.full((4, 1), 50.0)
k = np.array([[50.0], [-50.0], [-50.0], [-50.0]])
np.testing.assert_allclose(attention_weights(q, k), np.tile([1.0, 0, 0, 0], (4, 1)),
                           atol=1e-12, err_msg="every position puts weight 1 on position 0")
# Scores from q and k in that order: s_ij = q_i . k_j (not k_i . q_j).
q = np.array([[0.0], [1.0], [2.0]])
k = np.array([[1.0], [0.0], [0.0]])
s = [[q[i, 0] * k[j, 0] for j in range(3)] for i in range(3)]
want = np.zeros((3, 3))
for i in range(3):
    w = [np.exp(s[i][j]) for j in range(i + 1)]
    want[i, :i + 1] = [x / sum(w) for x in w]
np.testing.assert_allclose(attention_weights(q, k), want, rtol=1e-12, atol=1e-15,
                           err_msg="row i holds the scores of query i against every key j")
# %% tests id=test_weights_scale points=2
# D = 4, so the scores are divided by sqrt(4) = 2. Query 1 against key 1: (2 ln 3) / 2 = ln 3,
# against key 0: 0, so row 1 is softmax([0, ln 3]) = [1/4, 3/4].
q = np.array([[0.0, 0.0, 0.0, 0.0], [2 * np.log(3.0), 0.0, 0.0, 0.0]])  # (T=2, D=4)
k = np.array([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
result = attention_weights(q, k)
assert result.shape == (2, 2), f"T=2: weights of shape (2, 2), got {result.shape}"
np.testing.assert_allclose(result[1], [0.25, 0.75], rtol=1e-12,
                           err_msg="row 1 should be softmax([0, ln 3]) = [1/4, 3/4]: divide the "
                                   "scores by sqrt(D), D = 4 = the last axis of q")
# %% hidden
# D = 9 and T = 3 (sqrt(D) = 3, sqrt(T) = 1.73): only the last axis is right.
q = np.zeros((3, 9))
q[2, 0] = 3 * np.log(4.0)
k = np.zeros((3, 9))
k[0, 0] = 1.0
result = attention_weights(q, k)
np.testing.assert_allclose(result[2], [2 / 3, 1 / 6, 1 / 6], rtol=1e-12,
                           err_msg="D=9: scores / 3; row 2 is softmax([ln 4, 0, 0]) = "
                                   "[2/3, 1/6, 1/6]")
# %% tests id=test_weights_stable points=1
# Scores in the thousands: np.exp(2000.0) is infinity. Shift each row by its maximum.
q = np.array([[40.0], [40.0]])
k = np.array([[50.0], [50.0 + np.log(3.0) / 40.0]])  # (T=2, D=1): scores 2000 and 2000 + ln 3
result = attention_weights(q, k)
assert np.all(np.isfinite(result)), f"large scores must give finite weights, got {result}"
np.testing.assert_allclose(result, [[1.0, 0.0], [0.25, 0.75]], rtol=1e-9, atol=1e-15,
                           err_msg="scores 2000 and 2000 + ln 3: row 1 is [1/4, 3/4]")
# %% hidden
q = np.array([[-40.0], [-40.0]])  # scores -2000: every np.exp underflows without a shift
k = np.array([[50.0], [50.0 + np.log(3.0) / 40.0]])
result = attention_weights(q, k)
assert np.all(np.isfinite(result)), "very negative scores must not give 0/0"
np.testing.assert_allclose(result, [[1.0, 0.0], [0.75, 0.25]], rtol=1e-9, atol=1e-15,
                           err_msg="scores -2000 and -2000 - ln 3: row 1 is [3/4, 1/4]")
# A LATER position with a huge score must not change anything: mask before the softmax,
# and take the maximum over the allowed scores only.
q = np.array([[1.0], [1.0], [1.0]])
k = np.array([[0.0], [0.0], [5000.0]])  # key 2 scores 5000 for every query
result = attention_weights(q, k)
assert np.all(np.isfinite(result)), "a huge score at a later (masked) position must not " \
                                    "matter: mask before the softmax"
np.testing.assert_allclose(result[:2], [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], rtol=1e-12,
                           atol=1e-15, err_msg="rows 0 and 1 cannot see position 2")
np.testing.assert_allclose(result[2], [0.0, 0.0, 1.0], atol=1e-12,
                           err_msg="row 2 sees position 2 and its huge score")
# %% tests id=test_weights_batch points=1
# A batch (B=2, T=3, D=2): each sequence on its own.
q = np.array([np.zeros((3, 2)), np.eye(3, 2) * 20.0])
k = np.array([np.ones((3, 2)), np.eye(3, 2) * 20.0])
result = attention_weights(q, k)
assert result.shape == (2, 3, 3), f"q, k of shape (2, 3, 2): weights (2, 3, 3), got {result.shape}"
for b in range(2):
    np.testing.assert_allclose(result[b], attention_weights(q[b], k[b]), rtol=1e-12, atol=1e-15,
                               err_msg="a batch gives the weights of each sequence separately")
# %% hidden
rng = np.random.default_rng(5)
q = rng.normal(size=(2, 3, 4, 5))  # (B=2, H=3, T=4, D=5): any number of leading axes
k = rng.normal(size=(2, 3, 4, 5))
result = attention_weights(q, k)
assert result.shape == (2, 3, 4, 4), f"(2, 3, 4, 5) -> (2, 3, 4, 4), got {result.shape}"
for a in range(2):
    for h in range(3):
        s = q[a, h] @ k[a, h].T / np.sqrt(5.0)
        for i in range(4):
            w = np.exp(s[i, :i + 1] - s[i, :i + 1].max())
            want = np.concatenate([w / w.sum(), np.zeros(3 - i)])
            np.testing.assert_allclose(result[a, h, i], want, rtol=1e-10, atol=1e-15,
                                       err_msg="4-D input: every leading axis is a sequence")
# %% markdown
# ## 3. One head of self-attention
#
# `self_attention(x, w_q, w_k, w_v)`: `x` has shape `(..., T, C)`; the three weight
# matrices have shape `(C, D)`.
# 1. `q = x @ w_q`, `k = x @ w_k`, `v = x @ w_v`, each of shape `(..., T, D)`;
# 2. `weights = attention_weights(q, k)`, shape `(..., T, T)`;
# 3. return `weights @ v`, shape `(..., T, D)`: output `i` is the weighted sum of the values
#    of positions `0..i`.
#
# Because of the mask, the output at position `i` depends only on `x[0..i]`: changing a
# later position changes no earlier output.
# %% solution id=self_attention
def self_attention(x, w_q, w_k, w_v):
    """One causal attention head: x (..., T, C), w_* (C, D) -> (..., T, D)."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)  # (..., T, C)
    q = x @ np.asarray(w_q, dtype=np.float64)  # (..., T, D)
    k = x @ np.asarray(w_k, dtype=np.float64)  # (..., T, D)
    v = x @ np.asarray(w_v, dtype=np.float64)  # (..., T, D)
    return attention_weights(q, k) @ v  # (..., T, T) @ (..., T, D) -> (..., T, D)
    ### END SOLUTION
# %% tests id=test_self_attention points=2
# w_q = 0 makes every score 0: output i is the mean of the values v_0..v_i.
x = np.array([[1.0, 0.0, 2.0, 0.0], [0.0, 1.0, 0.0, 0.0],
              [3.0, 3.0, 0.0, 1.0]])  # (T=3, C=4)
w_q = np.zeros((4, 2))
w_k = np.ones((4, 2))
w_v = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 2.0]])  # (C=4, D=2)
result = self_attention(x, w_q, w_k, w_v)
assert isinstance(result, np.ndarray), f"self_attention must return a numpy array, got {type(result)}"
assert result.shape == (3, 2), f"x (3, 4) and w_v (4, 2): output (3, 2), got {result.shape}"
v = x @ w_v
np.testing.assert_allclose(result, [v[0], (v[0] + v[1]) / 2, (v[0] + v[1] + v[2]) / 3],
                           rtol=1e-12, err_msg="equal scores: output i is the mean of the "
                                               "values of positions 0..i (values = x @ w_v)")
# %% hidden
rng = np.random.default_rng(7)
x = rng.normal(size=(5, 4))
w_q, w_k, w_v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
before = x.copy()
result = self_attention(x, w_q, w_k, w_v)
np.testing.assert_array_equal(x, before, err_msg="self_attention must not change x")
# Plain-Python reference: query i against key j, softmax over j <= i, weighted values.
queries, keys, values = x @ w_q, x @ w_k, x @ w_v
for row in range(5):
    s = [float(queries[row] @ keys[j]) / np.sqrt(3.0) for j in range(row + 1)]
    w = [np.exp(t - max(s)) for t in s]
    want = sum(w[j] / sum(w) * values[j] for j in range(row + 1))
    np.testing.assert_allclose(result[row], want, rtol=1e-10, atol=1e-12,
                               err_msg="output i = sum over j <= i of softmax(q_i . k_j / "
                                       "sqrt(D)) v_j")
# One-hot: scores far larger on the diagonal, so every position returns its own value.
x = 20.0 * np.eye(3)
result = self_attention(x, np.eye(3), np.eye(3), np.array([[1.0], [2.0], [3.0]]))
np.testing.assert_allclose(result, [[20.0], [40.0], [60.0]], rtol=1e-9,
                           err_msg="each position attends to itself: its own value")
# %% tests id=test_self_attention_causal points=1
rng = np.random.default_rng(0)
x = rng.normal(size=(2, 5, 4))  # (B=2, T=5, C=4)
w_q, w_k, w_v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
out = self_attention(x, w_q, w_k, w_v)
assert out.shape == (2, 5, 3), f"x (2, 5, 4): output (2, 5, 3), got {out.shape}"
changed = x.copy()
changed[:, 3] += 10.0  # change position 3 of both sequences
out2 = self_attention(changed, w_q, w_k, w_v)
np.testing.assert_allclose(out2[:, :3], out[:, :3], rtol=1e-12, atol=1e-12,
                           err_msg="changing position 3 must not change the outputs at "
                                   "positions 0, 1, 2 (causal)")
assert not np.allclose(out2[:, 3:], out[:, 3:]), "changing position 3 must change the output " \
                                                "at position 3"
# %% hidden
for b in range(2):
    np.testing.assert_allclose(out[b], self_attention(x[b], w_q, w_k, w_v), rtol=1e-12,
                               atol=1e-12, err_msg="a batch: each sequence on its own")
for t in range(4):
    changed = x.copy()
    changed[:, t + 1:] = rng.normal(size=changed[:, t + 1:].shape)
    np.testing.assert_allclose(self_attention(changed, w_q, w_k, w_v)[:, :t + 1], out[:, :t + 1],
                               rtol=1e-12, atol=1e-12,
                               err_msg=f"outputs 0..{t} must not depend on positions after {t}")
# %% markdown
# ## 4. Several heads: split and merge
#
# With `H` heads, each head works on its own slice of `D = C / H` columns.
# * `split_heads(x, n_head)`: `x` of shape `(..., T, C)` becomes `(..., H, T, D)`: head `h`
#   gets the columns `h*D` to `(h+1)*D - 1` of every position (head 0 the first `D`
#   columns, head 1 the next `D`, ...). If `C` is not a multiple of `n_head`, raise
#   `ValueError`.
# * `merge_heads(y)`: the inverse, `(..., H, T, D)` becomes `(..., T, H*D)`: at every
#   position the `D` numbers of head 0 come first, then those of head 1, and so on.
#   `merge_heads(split_heads(x, H))` gives `x` back.
#
# Careful: `x.reshape(H, T, D)` is not the split (it mixes positions): reshape to
# `(..., T, H, D)` first, then swap the `T` and `H` axes.
#
# Example: `x = [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]` (T=2, C=6) with 3 heads (D=2):
# head 0 is `[[0, 1], [6, 7]]`, head 1 `[[2, 3], [8, 9]]`, head 2 `[[4, 5], [10, 11]]`.
# %% solution id=split_merge
def split_heads(x, n_head):
    """(..., T, C) -> (..., H, T, D) with D = C / H: head h gets columns h*D..(h+1)*D-1."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)  # (..., T, C)
    T, C = x.shape[-2], x.shape[-1]
    if C % n_head != 0:
        raise ValueError(f"C={C} is not a multiple of n_head={n_head}")
    x = x.reshape(x.shape[:-1] + (n_head, C // n_head))  # (..., T, H, D)
    return np.swapaxes(x, -2, -3)  # (..., H, T, D)
    ### END SOLUTION


def merge_heads(y):
    """(..., H, T, D) -> (..., T, H*D): the heads side by side, head 0 first."""
    ### BEGIN SOLUTION
    y = np.swapaxes(np.asarray(y, dtype=np.float64), -2, -3)  # (..., T, H, D)
    return y.reshape(y.shape[:-2] + (y.shape[-2] * y.shape[-1],))  # (..., T, H*D)
    ### END SOLUTION
# %% tests id=test_split_merge points=2
x = np.arange(12, dtype=np.float64).reshape(2, 6)  # (T=2, C=6)
heads = split_heads(x, 3)
assert isinstance(heads, np.ndarray), f"split_heads must return a numpy array, got {type(heads)}"
assert heads.shape == (3, 2, 2), f"(T=2, C=6) with 3 heads: (H=3, T=2, D=2), got {heads.shape}"
np.testing.assert_allclose(heads, [[[0, 1], [6, 7]], [[2, 3], [8, 9]], [[4, 5], [10, 11]]],
                           err_msg="head h gets columns h*D..(h+1)*D-1 of every position")
merged = merge_heads(heads)
assert merged.shape == (2, 6), f"merge_heads of (3, 2, 2): (2, 6), got {merged.shape}"
np.testing.assert_allclose(merged, x, err_msg="merge_heads(split_heads(x, 3)) must give x back")
# %% hidden
x = np.arange(48, dtype=np.float64).reshape(2, 3, 8)  # (B=2, T=3, C=8)
heads = split_heads(x, 2)
assert heads.shape == (2, 2, 3, 4), f"(2, 3, 8) with 2 heads: (2, 2, 3, 4), got {heads.shape}"
for b in range(2):
    for h in range(2):
        np.testing.assert_allclose(heads[b, h], x[b, :, 4 * h:4 * h + 4],
                                   err_msg="batch: head h of sequence b = x[b, :, h*D:(h+1)*D]")
y = np.arange(24, dtype=np.float64).reshape(3, 2, 4)  # (H=3, T=2, D=4)
merged = merge_heads(y)
assert merged.shape == (2, 12), f"merge_heads of (3, 2, 4): (2, 12), got {merged.shape}"
for t in range(2):
    np.testing.assert_allclose(merged[t], np.concatenate([y[0, t], y[1, t], y[2, t]]),
                               err_msg="merge: at position t, head 0's numbers, then head 1's, "
                                       "then head 2's")
np.testing.assert_allclose(merge_heads(split_heads(x, 4)), x, err_msg="merge(split(x)) == x")
try:
    split_heads(np.zeros((2, 6)), 4)
except ValueError:
    pass
else:
    raise AssertionError("split_heads with C=6 and 4 heads must raise ValueError")
# %% markdown
# ## 5. Multi-head attention
#
# `multi_head_attention(x, w_q, w_k, w_v, w_o, n_head)`: `x` has shape `(..., T, C)`; the
# four weight matrices have shape `(C, C)`.
# 1. `q = split_heads(x @ w_q, n_head)`, the same for `k` and `v`: each `(..., H, T, D)`
#    (so if `C` is not a multiple of `n_head`, `ValueError` is raised, as in `split_heads`);
# 2. every head attends on its own: `attention_weights(q, k) @ v`, shape `(..., H, T, D)`
#    (your functions already treat `H` as one more leading axis; the scale is
#    $1/\sqrt{D}$ with the width `D = C / H` of one head, not `C`);
# 3. `merge_heads(...)`, shape `(..., T, C)`;
# 4. the **output projection**: return `merged @ w_o`, shape `(..., T, C)`.
# %% solution id=multi_head_attention
def multi_head_attention(x, w_q, w_k, w_v, w_o, n_head):
    """Causal multi-head self-attention: x (..., T, C), w_* (C, C) -> (..., T, C)."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)  # (..., T, C)
    q = split_heads(x @ np.asarray(w_q, dtype=np.float64), n_head)  # (..., H, T, D)
    k = split_heads(x @ np.asarray(w_k, dtype=np.float64), n_head)  # (..., H, T, D)
    v = split_heads(x @ np.asarray(w_v, dtype=np.float64), n_head)  # (..., H, T, D)
    y = attention_weights(q, k) @ v  # (..., H, T, D)
    return merge_heads(y) @ np.asarray(w_o, dtype=np.float64)  # (..., T, C)
    ### END SOLUTION
# %% tests id=test_multi_head points=2
rng = np.random.default_rng(1)
x = rng.normal(size=(4, 6))  # (T=4, C=6)
w_q, w_k, w_v, w_o = (rng.normal(size=(6, 6)) for _ in range(4))
result = multi_head_attention(x, w_q, w_k, w_v, w_o, 1)
assert isinstance(result, np.ndarray), f"multi_head_attention must return a numpy array, got {type(result)}"
assert result.shape == (4, 6), f"x (4, 6): output (4, 6), got {result.shape}"
np.testing.assert_allclose(result, self_attention(x, w_q, w_k, w_v) @ w_o, rtol=1e-10,
                           err_msg="with 1 head, multi-head attention is one head of width C "
                                   "followed by the output projection w_o")
# w_q = 0: equal scores in every head; then the result is the running mean of x @ w_v @ w_o.
result = multi_head_attention(x, np.zeros((6, 6)), w_k, w_v, w_o, 3)
running_mean = np.cumsum(x @ w_v, axis=0) / np.arange(1, 5)[:, None]
np.testing.assert_allclose(result, running_mean @ w_o, rtol=1e-10,
                           err_msg="equal scores in every head: the mean of the values of "
                                   "positions 0..i, merged, times w_o")
# %% hidden
# Plain reference, head by head: columns h*D..(h+1)*D-1, scale 1/sqrt(D), D = C / H.
# (Written with names a student's code is unlikely to share: the grader flags a submission
# that holds several lines of the hidden tests.)
def reference(inputs, heads):
    length, width = inputs.shape
    size = width // heads
    queries, keys, values = inputs @ w_q, inputs @ w_k, inputs @ w_v
    joined = np.zeros((length, width))
    for head in range(heads):
        lo, hi = head * size, (head + 1) * size
        for row in range(length):
            s = [float(queries[row, lo:hi] @ keys[j, lo:hi]) / np.sqrt(size)
                 for j in range(row + 1)]
            w = [np.exp(t - max(s)) for t in s]
            joined[row, lo:hi] = sum(w[j] / sum(w) * values[j, lo:hi] for j in range(row + 1))
    return joined @ w_o
for n_head in (2, 3):
    np.testing.assert_allclose(multi_head_attention(x, w_q, w_k, w_v, w_o, n_head),
                               reference(x, n_head), rtol=1e-9, atol=1e-12,
                               err_msg=f"{n_head} heads: each head on its own columns with "
                                       f"scale 1/sqrt(C/H), merged in head order, then w_o")
before = x.copy()
multi_head_attention(x, w_q, w_k, w_v, w_o, 2)
np.testing.assert_array_equal(x, before, err_msg="multi_head_attention must not change x")
try:
    multi_head_attention(x, w_q, w_k, w_v, w_o, 4)
except ValueError:
    pass
else:
    raise AssertionError("C=6 with 4 heads must raise ValueError (from split_heads)")
# %% tests id=test_multi_head_batch_causal points=1
rng = np.random.default_rng(2)
x = rng.normal(size=(3, 5, 4))  # (B=3, T=5, C=4)
w_q, w_k, w_v, w_o = (rng.normal(size=(4, 4)) for _ in range(4))
out = multi_head_attention(x, w_q, w_k, w_v, w_o, 2)
assert out.shape == (3, 5, 4), f"x (3, 5, 4): output (3, 5, 4), got {out.shape}"
changed = x.copy()
changed[:, 4] -= 3.0  # the last position
np.testing.assert_allclose(multi_head_attention(changed, w_q, w_k, w_v, w_o, 2)[:, :4],
                           out[:, :4], rtol=1e-12, atol=1e-12,
                           err_msg="changing the last position must not change the earlier "
                                   "outputs (causal)")
# %% hidden
for b in range(3):
    np.testing.assert_allclose(out[b], multi_head_attention(x[b], w_q, w_k, w_v, w_o, 2),
                               rtol=1e-12, atol=1e-12,
                               err_msg="a batch (B, T, C): each sequence on its own")
changed = x.copy()
changed[:, 2:] = 0.0
np.testing.assert_allclose(multi_head_attention(changed, w_q, w_k, w_v, w_o, 2)[:, :2],
                           out[:, :2], rtol=1e-12, atol=1e-12,
                           err_msg="outputs 0 and 1 must not depend on positions 2..4")
# %% markdown
# ## Self-check
#
# Run the cell below after all the others. It tells you which visible tests passed. Hidden
# tests are not part of it: they run when your notebook is graded.
# In JupyterLab you can also click **Validate** in the toolbar (or run
# `nbgrader validate attention.ipynb`).
