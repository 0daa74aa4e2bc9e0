# Spec of the nbgrader assignment "softmax"; build with: python scripts/assignments/build.py
# %% markdown
# # Assignment 3: softmax, temperature and cross-entropy
#
# A language model ends with one score per word of its vocabulary, the **logits**. The
# **softmax** turns these scores into probabilities; the **temperature** makes the
# probabilities sharper or flatter; **log-softmax** and **cross-entropy** measure how
# surprised the model is by the word that really came next (that number is what training
# makes smaller).
#
# Read first: the book chapter *Softmax activation*,
# <https://genai-lab.github.io/genai-lab/chapters/09_softmax_activation.html>
# (also in the repository as `chapters/09_softmax_activation.md`, which `make lab` opens as a
# notebook).
#
# **How this works.** Write your code where it says `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line). Under each function a read-only cell tests it. Run
# the cells from top to bottom. The tests you can see are a self-check; **more tests are
# hidden** and run when your notebook is graded, so follow the rules below exactly.
#
# **Rules for every function.**
# * Use numpy only. Do not use `genai_lab` (the course package): during grading it is
#   switched off, and a function that calls it fails its tests.
# * Inputs can be Python lists or numpy arrays of ints or floats (`float32` too); return
#   numpy arrays of `float64` (use `np.asarray(x, dtype=np.float64)` at the start).
# * Never change the array you were given (compute a new one).
# %% code id=setup
import numpy as np
# %% markdown
# ## 1. Softmax over the last axis
#
# For one row of logits $z_1, \dots, z_V$:
# $\mathrm{softmax}(z)_i = \dfrac{e^{z_i}}{\sum_j e^{z_j}}$.
# Every result is between 0 and 1 and each row sums to 1.
#
# Write `softmax(logits, temperature=1.0)`:
# * `logits` has shape `(V,)` (one row) or `(B, V)` (a batch of `B` rows) or more
#   dimensions; the softmax is taken **over the last axis**, separately for every row. Return
#   an array of the same shape. Careful: with a batch of shape `(2, 3)`, each of the 2 rows
#   sums to 1, not each of the 3 columns.
# * It must work for **large logits** such as `[1000.0, 1000.0]` (answer `[0.5, 0.5]`):
#   `np.exp(1000.0)` overflows to infinity. Use the fact that softmax does not change if you
#   subtract the same number from every logit of a row: subtract **each row's own maximum**
#   first. (One maximum for the whole batch is not enough: in a batch whose rows differ by
#   hundreds, every `np.exp` of the lower row rounds to 0 and that row becomes 0/0.)
# * **Temperature** $T > 0$ divides the logits before the softmax:
#   $\mathrm{softmax}(z / T)$. $T < 1$ makes the distribution sharper, $T > 1$ flatter.
#   Not multiplied, and not applied to the probabilities after the softmax.
# * If `temperature` is not greater than 0, raise `ValueError`.
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    """Probabilities from logits, over the last axis: (..., V) -> (..., V), float64."""
    ### BEGIN SOLUTION
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    z = np.asarray(logits, dtype=np.float64) / temperature  # (..., V)
    z = z - z.max(axis=-1, keepdims=True)  # the largest logit of each row becomes 0
    e = np.exp(z)  # (..., V), every value in (0, 1]
    return e / e.sum(axis=-1, keepdims=True)
    ### END SOLUTION
# %% tests id=test_softmax_basics points=2
# Worked by hand: e^0, e^ln2, e^ln3 are 1, 2, 3, so the probabilities are 1/6, 2/6, 3/6.
result = softmax([0.0, np.log(2.0), np.log(3.0)])
assert isinstance(result, np.ndarray), f"softmax must return a numpy array, got {type(result)}"
assert result.shape == (3,), f"expected shape (3,), got {result.shape}"
assert result.dtype == np.float64, f"expected dtype float64, got {result.dtype}"
np.testing.assert_allclose(result, [1 / 6, 2 / 6, 3 / 6], rtol=1e-12,
                           err_msg="softmax([0, ln 2, ln 3]) should be [1/6, 2/6, 3/6]")
# Integer logits work too: two equal logits share the probability.
np.testing.assert_allclose(softmax([1, 1]), [0.5, 0.5], rtol=1e-12,
                           err_msg="softmax([1, 1]) should be [0.5, 0.5]")
# %% hidden
result = softmax(np.array([2, 2, 2, 2, 2]))
assert result.dtype == np.float64, f"softmax of ints must return float64, got {result.dtype}"
np.testing.assert_allclose(result, np.full(5, 0.2), rtol=1e-12,
                           err_msg="five equal logits should each get 0.2")
small = softmax(np.array([0.0, np.log(3.0)], dtype=np.float32))
assert small.dtype == np.float64, f"softmax of float32 must return float64, got {small.dtype}"
np.testing.assert_allclose(small, [0.25, 0.75], rtol=1e-6, err_msg="float32 logits [0, ln 3]")
z = np.array([0.5, -1.25, 3.0, 0.0])
before = z.copy()
p = softmax(z)
np.testing.assert_array_equal(z, before, err_msg="softmax must not change its input")
# Property: adding a constant to every logit does not change the probabilities.
np.testing.assert_allclose(softmax(z + 7.0), p, rtol=1e-12,
                           err_msg="softmax(z + c) must equal softmax(z)")
np.testing.assert_allclose(p.sum(), 1.0, rtol=1e-12, err_msg="probabilities must sum to 1")
# Property: the ratio of two probabilities is e^(difference of their logits).
np.testing.assert_allclose(p[2] / p[0], np.exp(2.5), rtol=1e-12,
                           err_msg="p_i / p_j must equal exp(z_i - z_j)")
# %% tests id=test_softmax_stable points=2
# np.exp(1000.0) is infinity: a softmax that does not subtract the maximum returns nan here.
result = softmax([1000.0, 1000.0])
assert result.shape == (2,), f"expected shape (2,), got {result.shape}"
assert np.all(np.isfinite(result)), f"softmax([1000, 1000]) must be finite, got {result}"
np.testing.assert_allclose(result, [0.5, 0.5], rtol=1e-12,
                           err_msg="softmax([1000, 1000]) should be [0.5, 0.5]")
# %% hidden
result = softmax([1000.0, 1000.0 + np.log(3.0)])
np.testing.assert_allclose(result, [0.25, 0.75], rtol=1e-9,
                           err_msg="large logits: softmax([1000, 1000 + ln 3]) is [1/4, 3/4]")
result = softmax([-1000.0, -1000.0 + np.log(3.0)])
np.testing.assert_allclose(result, [0.25, 0.75], rtol=1e-9,
                           err_msg="very negative logits must not underflow to 0/0")
result = softmax([0.0, -2000.0])
np.testing.assert_allclose(result, [1.0, 0.0], atol=1e-12,
                           err_msg="softmax([0, -2000]) is [1, 0]")
result = softmax([800.0, 799.0])
np.testing.assert_allclose(result, [1 / (1 + np.exp(-1.0)), 1 / (1 + np.exp(1.0))],
                           rtol=1e-12, err_msg="softmax([800, 799]) is [1/(1+e^-1), 1/(1+e)]")
# Rows that differ by hundreds: each row must subtract its OWN maximum.
batch = np.array([[0.0, np.log(3.0)], [1000.0, 1000.0 + np.log(3.0)],
                  [-800.0, -800.0]])  # (3, 2)
result = softmax(batch)
assert np.all(np.isfinite(result)), "a batch whose rows differ by hundreds must stay finite " \
                                    "(subtract each row's own maximum, not the batch's)"
np.testing.assert_allclose(result, [[0.25, 0.75], [0.25, 0.75], [0.5, 0.5]], rtol=1e-9,
                           err_msg="each row of a batch is shifted by its own maximum")
# %% tests id=test_softmax_last_axis points=2
# A batch of 2 rows of 3 logits: each ROW must sum to 1.
batch = np.array([[0.0, np.log(2.0), np.log(3.0)],
                  [5.0, 5.0, 5.0]])  # (2, 3)
result = softmax(batch)
assert result.shape == (2, 3), f"expected shape (2, 3), got {result.shape}"
np.testing.assert_allclose(result.sum(axis=-1), [1.0, 1.0], rtol=1e-12,
                           err_msg="each row of the result must sum to 1 (softmax over the "
                                   "last axis)")
np.testing.assert_allclose(result, [[1 / 6, 2 / 6, 3 / 6], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-12,
                           err_msg="softmax of a batch is the softmax of each row")
# %% hidden
column = softmax(np.array([[1.0], [2.0], [3.0], [4.0]]))  # (4, 1): one logit per row
np.testing.assert_allclose(column, np.ones((4, 1)), rtol=1e-12,
                           err_msg="a row with a single logit has probability 1")
x = np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 0.37 - 3.0  # (2, 3, 4)
result = softmax(x)
assert result.shape == (2, 3, 4), f"expected shape (2, 3, 4), got {result.shape}"
# Independent reference: one row at a time, without any shift (the values are small).
for i in range(2):
    for j in range(3):
        e = [np.exp(v) for v in x[i, j]]
        np.testing.assert_allclose(result[i, j], [v / sum(e) for v in e], rtol=1e-12,
                                   err_msg="3-D input: softmax over the last axis")
# %% tests id=test_softmax_temperature points=2
# Temperature 2 halves the logits: [0, ln 4] / 2 = [0, ln 2] -> probabilities [1/3, 2/3].
result = softmax([0.0, np.log(4.0)], temperature=2.0)
np.testing.assert_allclose(result, [1 / 3, 2 / 3], rtol=1e-12,
                           err_msg="softmax([0, ln 4], temperature=2) should be [1/3, 2/3]: "
                                   "divide the logits by the temperature")
# Temperature 0.5 doubles them: [0, 2 ln 4] = [0, ln 16] -> [1/17, 16/17].
result = softmax([0.0, np.log(4.0)], temperature=0.5)
np.testing.assert_allclose(result, [1 / 17, 16 / 17], rtol=1e-12,
                           err_msg="softmax([0, ln 4], temperature=0.5) should be "
                                   "[1/17, 16/17]")
# %% hidden
np.testing.assert_allclose(softmax([0.0, np.log(3.0)], temperature=1.0), [0.25, 0.75],
                           rtol=1e-12, err_msg="temperature 1 must leave softmax unchanged")
np.testing.assert_allclose(softmax([0.0, np.log(9.0)], temperature=2.0), [0.25, 0.75],
                           rtol=1e-12, err_msg="temperature 2 on [0, ln 9] gives [1/4, 3/4]")
np.testing.assert_allclose(softmax([1.0, 2.0, 3.0], temperature=1e6), np.full(3, 1 / 3),
                           rtol=1e-5, err_msg="a huge temperature gives nearly uniform "
                                              "probabilities")
np.testing.assert_allclose(softmax([0.0, 10.0], temperature=0.05), [0.0, 1.0], atol=1e-12,
                           err_msg="a tiny temperature puts all probability on the largest "
                                   "logit")
for bad in (0.0, -1.0):
    try:
        softmax([1.0, 2.0], temperature=bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"softmax(..., temperature={bad}) must raise ValueError")
# %% markdown
# ## 2. Log-softmax
#
# `log_softmax(logits)` returns $\log \mathrm{softmax}(z)_i = z_i - \log \sum_j e^{z_j}$,
# over the last axis, same shape as the input.
#
# Do **not** compute `np.log(softmax(z))`: when one probability is tiny it rounds to 0 and
# its log becomes `-inf`. For `[0.0, -1000.0]` the right answer is `[0.0, -1000.0]`
# (up to rounding). Subtract the row maximum $m$ (each row's own, as in `softmax`) and use
# $\log \sum_j e^{z_j} = m + \log \sum_j e^{z_j - m}$.
# %% solution id=log_softmax
def log_softmax(logits):
    """Log-probabilities over the last axis: (..., V) -> (..., V), float64."""
    ### BEGIN SOLUTION
    z = np.asarray(logits, dtype=np.float64)  # (..., V)
    m = z.max(axis=-1, keepdims=True)  # (..., 1)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    ### END SOLUTION
# %% tests id=test_log_softmax points=2
result = log_softmax([0.0, np.log(2.0), np.log(3.0)])
assert isinstance(result, np.ndarray), f"log_softmax must return a numpy array, got {type(result)}"
assert result.shape == (3,), f"expected shape (3,), got {result.shape}"
assert result.dtype == np.float64, f"expected dtype float64, got {result.dtype}"
np.testing.assert_allclose(result, np.log([1 / 6, 2 / 6, 3 / 6]), rtol=1e-12,
                           err_msg="log_softmax([0, ln 2, ln 3]) should be "
                                   "[ln 1/6, ln 2/6, ln 3/6]")
result = log_softmax([0.0, -1000.0])
assert np.all(np.isfinite(result)), f"log_softmax([0, -1000]) must be finite, got {result}"
np.testing.assert_allclose(result, [0.0, -1000.0], atol=1e-9,
                           err_msg="log_softmax([0, -1000]) should be [0, -1000]")
# %% hidden
np.testing.assert_allclose(log_softmax([1000.0, 1000.0]), [-np.log(2.0), -np.log(2.0)],
                           rtol=1e-12, err_msg="large logits: log_softmax([1000, 1000])")
batch = np.array([[0.0, np.log(3.0)], [-3000.0, 0.0], [7.0, 7.0]])  # (3, 2)
result = log_softmax(batch)
assert result.shape == (3, 2), f"expected shape (3, 2), got {result.shape}"
np.testing.assert_allclose(result[0], np.log([0.25, 0.75]), rtol=1e-12,
                           err_msg="log_softmax works row by row (last axis)")
np.testing.assert_allclose(result[1], [-3000.0, 0.0], atol=1e-9,
                           err_msg="log_softmax([-3000, 0]) should be [-3000, 0]")
np.testing.assert_allclose(result[2], [-np.log(2.0), -np.log(2.0)], rtol=1e-12,
                           err_msg="two equal logits: log 1/2 each")
batch = np.array([[2000.0, 2000.0 + np.log(3.0)], [0.0, np.log(3.0)]])  # (2, 2)
before = batch.copy()
result = log_softmax(batch)
np.testing.assert_array_equal(batch, before, err_msg="log_softmax must not change its input")
assert np.all(np.isfinite(result)), "rows that differ by thousands: subtract each row's own " \
                                    "maximum, not the batch's"
np.testing.assert_allclose(result, np.log([[0.25, 0.75], [0.25, 0.75]]), rtol=1e-9,
                           err_msg="log_softmax shifts each row by its own maximum")
# %% markdown
# ## 3. Cross-entropy
#
# The model gives a row of logits for each of $N$ positions; `targets[n]` is the id of the
# word that really came next at position $n$. The cross-entropy is the **mean** over the
# $N$ positions of $-\log \mathrm{softmax}(\text{logits}_n)[\text{targets}_n]$.
#
# Write `cross_entropy(logits, targets)`:
# * `logits` has shape `(N, V)`, `targets` has shape `(N,)` with integer ids.
# * Return a Python `float` (use `float(...)`).
# * Every target must be a valid id, `0 <= t < V`; otherwise raise `ValueError`.
#   Careful: numpy accepts `-1` as an index (it means "the last one"), so check it yourself.
# * It must work for large logits (use your `log_softmax`).
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    """Mean of -log p(target) over N rows: logits (N, V), targets (N,) -> float."""
    ### BEGIN SOLUTION
    logp = log_softmax(logits)  # (N, V)
    targets = np.asarray(targets)  # (N,)
    n_rows, vocab = logp.shape
    if np.any(targets < 0) or np.any(targets >= vocab):
        raise ValueError(f"targets must be ids in [0, {vocab}), got {targets}")
    return float(-logp[np.arange(n_rows), targets].mean())
    ### END SOLUTION
# %% tests id=test_cross_entropy points=2
# Row 0: softmax([0, ln 3]) = [1/4, 3/4], target 1 -> -ln(3/4).
# Row 1: softmax([0, 0]) = [1/2, 1/2], target 0 -> -ln(1/2). The result is the mean.
result = cross_entropy([[0.0, np.log(3.0)], [0.0, 0.0]], [1, 0])
assert isinstance(result, float), f"cross_entropy must return a Python float, got {type(result)}"
np.testing.assert_allclose(result, (np.log(4 / 3) + np.log(2.0)) / 2, rtol=1e-12,
                           err_msg="expected the mean of -ln(3/4) and -ln(1/2)")
# %% hidden
# Three rows of two logits (N=3, V=2): picking logits[:, targets] would give a 3x3 table.
logits = np.array([[0.0, np.log(3.0)], [np.log(3.0), 0.0], [0.0, 0.0]])
result = cross_entropy(logits, np.array([0, 0, 1]))
np.testing.assert_allclose(result, (np.log(4.0) + np.log(4 / 3) + np.log(2.0)) / 3,
                           rtol=1e-12, err_msg="N=3, V=2: mean of -log p(target) per row")
result = cross_entropy([[0.0, -1000.0]], [1])
assert np.isfinite(result), "cross-entropy of large logits must be finite"
np.testing.assert_allclose(result, 1000.0, rtol=1e-9,
                           err_msg="cross_entropy([[0, -1000]], [1]) should be 1000")
np.testing.assert_allclose(cross_entropy([[5.0, 5.0, 5.0, 5.0]], [3]), np.log(4.0),
                           rtol=1e-12, err_msg="uniform over 4 words: ln 4")
# %% tests id=test_cross_entropy_targets points=1
try:
    cross_entropy([[0.0, 1.0], [2.0, 3.0]], [0, 2])
except ValueError:
    pass
else:
    raise AssertionError("target 2 with V=2 logits per row must raise ValueError")
# %% hidden
try:
    cross_entropy([[0.0, 1.0], [2.0, 3.0]], [0, -1])
except ValueError:
    pass
else:
    raise AssertionError("a negative target must raise ValueError "
                         "(numpy reads index -1 as the last word)")
np.testing.assert_allclose(cross_entropy([[0.0, 0.0]], [1]), np.log(2.0), rtol=1e-12,
                           err_msg="the last id V-1 is a valid target")
# %% markdown
# ## Self-check
#
# Run the cell below after all the others. It tells you which visible tests passed. Hidden
# tests are not part of it: they run when your notebook is graded.
# In JupyterLab you can also click **Validate** in the toolbar (or run
# `nbgrader validate softmax.ipynb`).
