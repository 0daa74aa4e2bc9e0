# Spec of the nbgrader assignment "learning"; build with: python scripts/assignments/build.py
# %% markdown
# # Assignment 6: how a model learns
#
# Training makes the loss smaller, one small step at a time. For that we need, for every
# number of the model, the **gradient** of the loss: how much the loss changes when that
# number changes a little. The **backward pass** computes all the gradients from the end of
# the model to its start; a **gradient check** compares them with slow numerical estimates
# (central differences); an **optimizer step** (SGD, Adam) moves every number a little
# against its gradient.
#
# Read first: the book chapter *Model training*,
# <https://genai-lab.github.io/genai-lab/chapters/04_model_training.html>
# (also in the repository as `chapters/04_model_training.md`, which `make lab` opens as a
# notebook), sections *The loss* and *One training step*.
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
# * The cell below gives you `softmax` and the loss `cross_entropy`; use them.
# %% code id=setup
import numpy as np


def softmax(z):
    """Probabilities over the last axis (each row's maximum subtracted): (..., V) -> (..., V)."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(logits, targets, ignore_index=None):
    """Mean of -log softmax(logits)[n, targets[n]] over the kept positions n: float.

    logits (N, V), targets (N,) ints. A position whose target equals ignore_index is left
    out (of the sum and of the count). Raises ValueError if every position is left out.
    """
    logits = np.asarray(logits, dtype=np.float64)  # (N, V)
    targets = np.asarray(targets)  # (N,)
    keep = np.ones(len(targets), dtype=bool) if ignore_index is None else targets != ignore_index
    if not keep.any():
        raise ValueError("every position is ignored: nothing to average")
    z, t = logits[keep], targets[keep]  # (n, V), (n,)
    m = z.max(axis=1, keepdims=True)
    logp = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(t)), t].mean())
# %% markdown
# ## 1. The gradient of softmax cross-entropy
#
# The loss is $L = \frac{1}{n} \sum_{\text{kept } r} -\log p_{r, t_r}$ with
# $p_r = \mathrm{softmax}(\text{logits}_r)$ and $n$ the number of kept positions. Its
# gradient with respect to the logits is simple:
# $\dfrac{\partial L}{\partial \text{logits}_{r, c}} = \dfrac{p_{r, c} - [c = t_r]}{n}$
# on a kept row $r$ (**p minus one-hot, divided by n**), and **0 on an ignored row**.
#
# Write `cross_entropy_backward(logits, targets, ignore_index=None)`:
# * `logits` has shape `(N, V)`, `targets` shape `(N,)`; return the gradient, shape `(N, V)`;
# * with `ignore_index=None` every position is kept; otherwise the positions whose target
#   equals `ignore_index` are ignored: their rows are 0 and they do not count in `n`
#   (careful: `ignore_index=0` is a real choice, the id of `[PAD]`: test `is None`, not
#   truthiness);
# * every kept target must satisfy `0 <= t < V`, otherwise raise `ValueError`; if every
#   position is ignored, raise `ValueError`;
# * it must work for large logits (use the given `softmax`).
# %% solution id=cross_entropy_backward
def cross_entropy_backward(logits, targets, ignore_index=None):
    """dL/dlogits of cross_entropy: (softmax - onehot) / n on kept rows, 0 on ignored rows."""
    ### BEGIN SOLUTION
    logits = np.asarray(logits, dtype=np.float64)  # (N, V)
    targets = np.asarray(targets)  # (N,)
    n_rows, vocab = logits.shape
    keep = np.ones(n_rows, dtype=bool) if ignore_index is None else targets != ignore_index
    n_kept = int(keep.sum())
    if n_kept == 0:
        raise ValueError("every position is ignored")
    if np.any(targets[keep] < 0) or np.any(targets[keep] >= vocab):
        raise ValueError(f"kept targets must be in [0, {vocab}), got {targets}")
    grad = softmax(logits)  # (N, V)
    rows = np.flatnonzero(keep)  # (n,)
    grad[rows, targets[rows]] -= 1.0  # p - onehot on the kept rows
    grad[~keep] = 0.0  # ignored rows get no gradient
    return grad / n_kept
    ### END SOLUTION
# %% tests id=test_ce_backward points=2
# p = softmax([0, ln 3]) = [1/4, 3/4] with target 1, softmax([0, 0]) = [1/2, 1/2] with
# target 0; p - onehot = [[1/4, -1/4], [-1/2, 1/2]], divided by n = 2.
result = cross_entropy_backward([[0.0, np.log(3.0)], [0.0, 0.0]], [1, 0])
assert isinstance(result, np.ndarray), f"cross_entropy_backward must return a numpy array, got {type(result)}"
assert result.shape == (2, 2), f"logits (2, 2): gradient (2, 2), got {result.shape}"
assert result.dtype == np.float64, f"expected dtype float64, got {result.dtype}"
np.testing.assert_allclose(result, [[1 / 8, -1 / 8], [-1 / 4, 1 / 4]], rtol=1e-12,
                           err_msg="(p - onehot) / n with n = 2 positions")
# %% hidden
logits = np.array([[1.0, 2.0, 0.5, -1.0], [0.0, 0.0, 0.0, 0.0], [3.0, -2.0, 1.0, 0.0]])
targets = np.array([2, 3, 0])
before = logits.copy()
result = cross_entropy_backward(logits, targets)
np.testing.assert_array_equal(logits, before, err_msg="cross_entropy_backward must not "
                                                      "change the logits")
assert result.shape == (3, 4), f"logits (3, 4): gradient (3, 4), got {result.shape}"
p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
onehot = np.zeros((3, 4))
onehot[[0, 1, 2], targets] = 1.0
np.testing.assert_allclose(result, (p - onehot) / 3, rtol=1e-12, atol=1e-15,
                           err_msg="N=3, V=4: (p - onehot) / 3, one row per position")
np.testing.assert_allclose(result.sum(axis=1), np.zeros(3), atol=1e-15,
                           err_msg="each row of the gradient sums to 0")
result = cross_entropy_backward([[1000.0, 1000.0 + np.log(3.0)]], [0])
assert np.all(np.isfinite(result)), "large logits must give a finite gradient"
np.testing.assert_allclose(result, [[-0.75, 0.75]], rtol=1e-9,
                           err_msg="logits [1000, 1000 + ln 3], target 0: [1/4 - 1, 3/4]")
# Independent check: central differences of the given loss.
h = 1e-6
numeric = np.zeros_like(logits)
for r in range(3):
    for c in range(4):
        up, down = logits.copy(), logits.copy()
        up[r, c] += h
        down[r, c] -= h
        numeric[r, c] = (cross_entropy(up, targets) - cross_entropy(down, targets)) / (2 * h)
np.testing.assert_allclose(cross_entropy_backward(logits, targets), numeric, atol=1e-8,
                           err_msg="the gradient must match central differences of the loss")
try:
    cross_entropy_backward([[0.0, 1.0], [1.0, 0.0]], [0, -1])
except ValueError:
    pass
else:
    raise AssertionError("a negative target (not ignored) must raise ValueError")
try:
    cross_entropy_backward([[0.0, 1.0]], [2])
except ValueError:
    pass
else:
    raise AssertionError("target 2 with V=2 must raise ValueError")
# %% tests id=test_ce_backward_ignore points=2
# Position 1 has target 0 = ignore_index: its row is 0 and n = 2 (positions 0 and 2).
logits = np.array([[0.0, np.log(3.0)], [5.0, -5.0], [0.0, 0.0]])
result = cross_entropy_backward(logits, [1, 0, 1], ignore_index=0)
assert result.shape == (3, 2), f"logits (3, 2): gradient (3, 2), got {result.shape}"
np.testing.assert_allclose(result[1], [0.0, 0.0], atol=0,
                           err_msg="an ignored position (target == ignore_index) gets a row of 0")
np.testing.assert_allclose(result[[0, 2]], [[1 / 8, -1 / 8], [1 / 4, -1 / 4]], rtol=1e-12,
                           err_msg="kept rows: (p - onehot) / n with n = 2 KEPT positions")
# %% hidden
logits = np.array([[0.0, np.log(3.0)], [5.0, -5.0], [0.0, 0.0], [2.0, 2.0]])
result = cross_entropy_backward(logits, [1, -100, 1, -100], ignore_index=-100)
np.testing.assert_allclose(result[[1, 3]], np.zeros((2, 2)), atol=0,
                           err_msg="ignore_index=-100 (outside 0..V-1): those rows are 0")
np.testing.assert_allclose(result[[0, 2]], [[1 / 8, -1 / 8], [1 / 4, -1 / 4]], rtol=1e-12,
                           err_msg="ignore_index=-100: n = 2 kept positions")
result = cross_entropy_backward(logits, [1, 0, 1, 0])  # ignore_index=None: keep all four
assert np.all(np.abs(result).sum(axis=1) > 0), \
    "ignore_index=None keeps every position (also those with target 0)"
np.testing.assert_allclose(result[0], [1 / 16, -1 / 16], rtol=1e-12,
                           err_msg="ignore_index=None, N=4: divide by 4")
h = 1e-6
targets = np.array([1, 0, 1, 0])
numeric = np.zeros_like(logits)
for r in range(4):
    for c in range(2):
        up, down = logits.copy(), logits.copy()
        up[r, c] += h
        down[r, c] -= h
        numeric[r, c] = (cross_entropy(up, targets, 0) - cross_entropy(down, targets, 0)) / (2 * h)
np.testing.assert_allclose(cross_entropy_backward(logits, targets, ignore_index=0), numeric,
                           atol=1e-8, err_msg="with ignored positions the gradient must match "
                                              "central differences of the loss")
try:
    cross_entropy_backward(logits, [0, 0, 0, 0], ignore_index=0)
except ValueError:
    pass
else:
    raise AssertionError("every position ignored must raise ValueError")
# %% markdown
# ## 2. The backward pass of a linear layer
#
# A linear layer computes `y = x @ w + b`: `x` has shape `(..., C_in)` (any leading axes,
# for example `(N, C_in)` or `(B, T, C_in)`), `w` shape `(C_in, C_out)`, `b` shape
# `(C_out,)`, `y` shape `(..., C_out)`. Given `dout`, the gradient of the loss with respect
# to `y` (the shape of `y`), write `linear_backward(dout, x, w)`, returning the tuple
# `(dx, dw, db)`:
# * `dx = dout @ w.T`, the shape of `x`;
# * `dw = x^T @ dout` **summed over every position** (every leading axis), shape
#   `(C_in, C_out)`: flatten `x` to `(N, C_in)` and `dout` to `(N, C_out)` first;
# * `db`: `dout` **summed** (not averaged) over every position, shape `(C_out,)`.
#
# (The averaging over the positions is already inside `dout`: the loss was a mean.)
# %% solution id=linear_backward
def linear_backward(dout, x, w):
    """Gradients of y = x @ w + b: dout (..., C_out), x (..., C_in), w (C_in, C_out)."""
    ### BEGIN SOLUTION
    dout = np.asarray(dout, dtype=np.float64)  # (..., C_out)
    x = np.asarray(x, dtype=np.float64)  # (..., C_in)
    w = np.asarray(w, dtype=np.float64)  # (C_in, C_out)
    c_in, c_out = w.shape
    x2 = x.reshape(-1, c_in)  # (N, C_in), N = every leading position
    d2 = dout.reshape(-1, c_out)  # (N, C_out)
    dx = dout @ w.T  # (..., C_in)
    dw = x2.T @ d2  # (C_in, C_out)
    db = d2.sum(axis=0)  # (C_out,)
    return dx, dw, db
    ### END SOLUTION
# %% tests id=test_linear_backward points=2
x = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])  # (N=2, C_in=3)
w = np.array([[1.0, 0.0], [2.0, 1.0], [0.0, -1.0]])  # (C_in=3, C_out=2)
dout = np.array([[1.0, 0.5], [-2.0, 1.0]])  # (N=2, C_out=2)
result = linear_backward(dout, x, w)
assert isinstance(result, tuple) and len(result) == 3, "linear_backward must return (dx, dw, db)"
dx, dw, db = result
assert dx.shape == (2, 3), f"dx has the shape of x, (2, 3), got {dx.shape}"
assert dw.shape == (3, 2), f"dw has the shape of w, (3, 2), got {dw.shape}"
assert db.shape == (2,), f"db has the shape of b, (2,), got {db.shape}"
# Written out: dx[n, i] = sum_j dout[n, j] w[i, j]; dw[i, j] = sum_n x[n, i] dout[n, j].
np.testing.assert_allclose(dx, [[1.0, 2.5, -0.5], [-2.0, -3.0, -1.0]], rtol=1e-12,
                           err_msg="dx = dout @ w.T")
np.testing.assert_allclose(dw, [[1.0, 0.5], [4.0, 0.0], [-6.0, 3.0]], rtol=1e-12,
                           err_msg="dw = x.T @ dout")
np.testing.assert_allclose(db, [-1.0, 1.5], rtol=1e-12,
                           err_msg="db = dout summed over the positions (not the mean)")
# %% hidden
# A square w tells w from w.T; a batch (B=2, T=3, C=2) must sum over all 6 positions.
w = np.array([[1.0, 2.0], [3.0, 4.0]])
x = np.arange(12, dtype=np.float64).reshape(2, 3, 2) / 4.0 - 1.0
dout = np.cos(np.arange(12, dtype=np.float64)).reshape(2, 3, 2)
before = (x.copy(), w.copy(), dout.copy())
dx, dw, db = linear_backward(dout, x, w)
for given, kept, name in zip((x, w, dout), before, ("x", "w", "dout")):
    np.testing.assert_array_equal(given, kept, err_msg=f"linear_backward must not change {name}")
assert dx.shape == (2, 3, 2) and dw.shape == (2, 2) and db.shape == (2,), \
    f"x (2, 3, 2), w (2, 2): shapes (2, 3, 2), (2, 2), (2,); got {dx.shape}, {dw.shape}, {db.shape}"
want_dx = np.zeros((2, 3, 2))
want_dw = np.zeros((2, 2))
for b in range(2):
    for t in range(3):
        for i in range(2):
            for j in range(2):
                want_dx[b, t, i] += dout[b, t, j] * w[i, j]
                want_dw[i, j] += x[b, t, i] * dout[b, t, j]
np.testing.assert_allclose(dx, want_dx, rtol=1e-12, atol=1e-15,
                           err_msg="dx[.., i] = sum_j dout[.., j] w[i, j] (w transposed)")
np.testing.assert_allclose(dw, want_dw, rtol=1e-12, atol=1e-15,
                           err_msg="dw sums x[.., i] dout[.., j] over EVERY position (B*T)")
np.testing.assert_allclose(db, dout.sum(axis=(0, 1)), rtol=1e-12,
                           err_msg="db sums dout over every position")
# %% markdown
# ## 3. Your own gradient check: central differences
#
# `numerical_gradient(f, x, h=1e-5)` estimates the gradient of a function `f` (it takes an
# array of the shape of `x` and returns a float) at `x`, one entry at a time:
# $\dfrac{\partial f}{\partial x_i} \approx \dfrac{f(x + h e_i) - f(x - h e_i)}{2h}$ where
# $x \pm h e_i$ is `x` with only entry `i` changed by `+h` or `-h`.
# * `x` can have any shape (use `np.ndindex(x.shape)` to visit every entry); return an array
#   of the shape of `x`, `float64`;
# * use the `h` you are given; these are **central** differences (`x + h` and `x - h`,
#   divided by `2h`), not `(f(x + h) - f(x)) / h`, which is much less accurate;
# * put each entry back before changing the next one (work on a copy of `x`: never change
#   the array you were given).
#
# Then compare: your backward passes must agree with your numerical gradients of the loss.
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    """Central differences of f at x, one entry at a time: x (...) -> (...) float64."""
    ### BEGIN SOLUTION
    x = np.array(x, dtype=np.float64)  # a copy: the caller's array never changes
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        kept = x[index]
        x[index] = kept + h
        up = f(x)
        x[index] = kept - h
        down = f(x)
        x[index] = kept  # put it back before the next entry
        grad[index] = (up - down) / (2 * h)
    return grad
    ### END SOLUTION
# %% tests id=test_numerical_gradient points=2
x = np.array([1.0, 2.0])
result = numerical_gradient(lambda a: float(np.sum(a ** 3)), x)
assert isinstance(result, np.ndarray), f"numerical_gradient must return a numpy array, got {type(result)}"
assert result.shape == (2,), f"x of shape (2,): gradient of shape (2,), got {result.shape}"
np.testing.assert_allclose(result, [3.0, 12.0], rtol=1e-8,
                           err_msg="the gradient of sum(x^3) is 3 x^2 = [3, 12] (central "
                                   "differences are this accurate, forward ones are not)")
np.testing.assert_array_equal(x, [1.0, 2.0], err_msg="numerical_gradient must not change x")
# With h = 0.1, central differences of x^3 give exactly 3 x^2 + h^2.
result = numerical_gradient(lambda a: float(np.sum(a ** 3)), x, h=0.1)
np.testing.assert_allclose(result, [3.01, 12.01], rtol=1e-9,
                           err_msg="h=0.1: (f(x+h) - f(x-h)) / (2h) = 3x^2 + h^2; use the h "
                                   "you are given")
# %% hidden
x = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.5]])  # (2, 3): any shape
before = x.copy()
def joint(a):  # entries interact: an entry left changed would spoil the others
    return float(a[0, 0] * a[1, 2] + np.sin(a[0, 1]) * a[1, 1] ** 2 + np.sum(a ** 2))
result = numerical_gradient(joint, x)
np.testing.assert_array_equal(x, before, err_msg="numerical_gradient must not change x")
assert result.shape == (2, 3), f"x of shape (2, 3): gradient (2, 3), got {result.shape}"
want = 2 * x
want[0, 0] += x[1, 2]
want[1, 2] += x[0, 0]
want[0, 1] += np.cos(x[0, 1]) * x[1, 1] ** 2
want[1, 1] += 2 * np.sin(x[0, 1]) * x[1, 1]
np.testing.assert_allclose(result, want, rtol=1e-7, atol=1e-8,
                           err_msg="2-D x with interacting entries: put each entry back "
                                   "before the next")
result = numerical_gradient(lambda a: float(np.sum(a ** 3)), np.array([[2.0], [-1.0]]), h=0.5)
np.testing.assert_allclose(result, [[12.25], [3.25]], rtol=1e-12,
                           err_msg="h=0.5: 3 x^2 + h^2")
# %% tests id=test_gradient_check points=1
# Your backward passes against YOUR numerical gradients of the loss.
rng = np.random.default_rng(0)
logits = rng.normal(size=(3, 4))
targets = np.array([1, 3, 0])
numeric = numerical_gradient(lambda z: cross_entropy(z, targets), logits)
np.testing.assert_allclose(cross_entropy_backward(logits, targets), numeric, atol=1e-8,
                           err_msg="cross_entropy_backward disagrees with numerical_gradient")
x, w = rng.normal(size=(3, 2)), rng.normal(size=(2, 4))
dout = cross_entropy_backward(x @ w, targets)  # the loss of logits = x @ w
dx, dw, db = linear_backward(dout, x, w)
np.testing.assert_allclose(dw, numerical_gradient(lambda a: cross_entropy(x @ a, targets), w),
                           atol=1e-8, err_msg="dw disagrees with numerical_gradient")
np.testing.assert_allclose(dx, numerical_gradient(lambda a: cross_entropy(a @ w, targets), x),
                           atol=1e-8, err_msg="dx disagrees with numerical_gradient")
# %% hidden
rng = np.random.default_rng(3)
logits = 3.0 * rng.normal(size=(5, 3))
targets = np.array([2, 0, 0, 1, 2])
for ignore in (None, 0):
    numeric = numerical_gradient(lambda z: cross_entropy(z, targets, ignore), logits)
    np.testing.assert_allclose(cross_entropy_backward(logits, targets, ignore), numeric,
                               atol=1e-8, err_msg=f"ignore_index={ignore}: backward "
                                                  f"disagrees with numerical_gradient")
x, w, b = rng.normal(size=(5, 2)), rng.normal(size=(2, 3)), rng.normal(size=3)
dout = cross_entropy_backward(x @ w + b, targets)
dx, dw, db = linear_backward(dout, x, w)
np.testing.assert_allclose(db, numerical_gradient(lambda a: cross_entropy(x @ w + a, targets), b),
                           atol=1e-8, err_msg="db disagrees with numerical_gradient")
# %% markdown
# ## 4. One optimizer step: SGD
#
# `sgd_step(param, grad, lr)` returns the new parameter `param - lr * grad` (a new array, do
# not change `param`): a small step **against** the gradient, which lowers the loss.
# %% solution id=sgd_step
def sgd_step(param, grad, lr):
    """param - lr * grad, as a new float64 array."""
    ### BEGIN SOLUTION
    return np.asarray(param, dtype=np.float64) - lr * np.asarray(grad, dtype=np.float64)
    ### END SOLUTION
# %% tests id=test_sgd points=1
param = np.array([1.0, -2.0])
result = sgd_step(param, np.array([0.5, -1.0]), 0.1)
assert isinstance(result, np.ndarray), f"sgd_step must return a numpy array, got {type(result)}"
np.testing.assert_allclose(result, [0.95, -1.9], rtol=1e-12,
                           err_msg="param - lr * grad: [1 - 0.05, -2 + 0.1]")
np.testing.assert_array_equal(param, [1.0, -2.0], err_msg="sgd_step must not change param")
# %% hidden
# The loss (w - 3)^2 summed: its gradient is 2 (w - 3); each step multiplies w - 3 by 1 - 2 lr.
w = np.array([[0.0, 5.0], [3.0, -1.0]])
losses = []
for _ in range(10):
    losses.append(float(np.sum((w - 3.0) ** 2)))
    w = sgd_step(w, 2 * (w - 3.0), 0.1)
assert w.shape == (2, 2), "sgd_step keeps the shape of param"
np.testing.assert_allclose(w - 3.0, 0.8 ** 10 * (np.array([[0.0, 5.0], [3.0, -1.0]]) - 3.0),
                           rtol=1e-10, atol=1e-12, err_msg="10 SGD steps on (w - 3)^2")
assert all(b < a for a, b in zip(losses, losses[1:])), "SGD must lower the loss every step"
# %% markdown
# ## 5. One optimizer step: Adam
#
# Adam keeps two running means per parameter: `m` of the gradients and `v` of their
# squares. Write `adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
# eps=1e-8)`, returning the tuple `(new_param, new_m, new_v)` (new arrays; change none of
# the arrays you were given). `t` is the number of this step, **counting from 1**; if
# `t < 1`, raise `ValueError`.
# 1. $m \leftarrow \beta_1 m + (1 - \beta_1) g$ and $v \leftarrow \beta_2 v + (1 - \beta_2) g^2$;
# 2. **bias correction** (`m` and `v` start at 0, so early on they are too small):
#    $\hat m = m / (1 - \beta_1^t)$, $\hat v = v / (1 - \beta_2^t)$;
# 3. $\text{param} \leftarrow \text{param} - \text{lr} \cdot \hat m / (\sqrt{\hat v} + \varepsilon)$:
#    **epsilon is added after the square root**, not inside it.
#
# On the first step (`m` and `v` zero, `t = 1`) the bias correction gives $\hat m = g$ and
# $\hat v = g^2$, so every entry moves by almost exactly `lr` against the sign of its
# gradient.
# %% solution id=adam_step
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t counts from 1): returns (new_param, new_m, new_v)."""
    ### BEGIN SOLUTION
    if t < 1:
        raise ValueError(f"t counts the steps from 1, got {t}")
    param = np.asarray(param, dtype=np.float64)
    g = np.asarray(grad, dtype=np.float64)
    m = beta1 * np.asarray(m, dtype=np.float64) + (1 - beta1) * g  # running mean of g
    v = beta2 * np.asarray(v, dtype=np.float64) + (1 - beta2) * g * g  # running mean of g^2
    m_hat = m / (1 - beta1 ** t)  # bias corrections
    v_hat = v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    ### END SOLUTION
# %% tests id=test_adam_first_step points=2
param, grad = np.array([1.0, -1.0]), np.array([2.0, -0.5])
zeros = np.zeros(2)
result = adam_step(param, grad, zeros, zeros, 1, lr=0.1)
assert isinstance(result, tuple) and len(result) == 3, "adam_step must return (param, m, v)"
new_param, new_m, new_v = result
np.testing.assert_allclose(new_m, [0.2, -0.05], rtol=1e-12, err_msg="m = 0.9 * 0 + 0.1 * g")
np.testing.assert_allclose(new_v, [0.004, 0.00025], rtol=1e-12,
                           err_msg="v = 0.999 * 0 + 0.001 * g^2")
np.testing.assert_allclose(new_param, [1.0 - 0.1 * 2.0 / (2.0 + 1e-8),
                                       -1.0 + 0.1 * 0.5 / (0.5 + 1e-8)], rtol=1e-12,
                           err_msg="first step with bias correction: m_hat = g, v_hat = g^2, "
                                   "so each entry moves by lr * g / (|g| + eps)")
np.testing.assert_array_equal(zeros, [0.0, 0.0], err_msg="adam_step must not change m or v")
# %% hidden
# A tiny gradient shows where epsilon goes: sqrt(v_hat) = 1e-6, plus eps = 1e-8.
new_param, _, _ = adam_step(np.array([0.0]), np.array([1e-6]), np.zeros(1), np.zeros(1), 1,
                            lr=0.1)
np.testing.assert_allclose(new_param, [-0.1 * 1e-6 / (1e-6 + 1e-8)], rtol=1e-9,
                           err_msg="eps is added after the square root: "
                                   "m_hat / (sqrt(v_hat) + eps)")
for bad_t in (0, -1):
    try:
        adam_step(np.ones(2), np.ones(2), np.zeros(2), np.zeros(2), bad_t)
    except ValueError:
        pass
    else:
        raise AssertionError(f"t={bad_t} must raise ValueError (steps count from 1)")
# %% tests id=test_adam_steps points=1
# Three steps, written out with plain Python floats, with beta1=0.8, beta2=0.9, eps=1e-3.
grads = [np.array([1.0, -3.0]), np.array([0.5, 1.0]), np.array([-2.0, 0.25])]
param, m, v = np.array([0.5, 0.5]), np.zeros(2), np.zeros(2)
want_p, want_m, want_v = [0.5, 0.5], [0.0, 0.0], [0.0, 0.0]
for t, g in enumerate(grads, start=1):
    param, m, v = adam_step(param, g, m, v, t, lr=0.01, beta1=0.8, beta2=0.9, eps=1e-3)
    for i in range(2):
        want_m[i] = 0.8 * want_m[i] + 0.2 * g[i]
        want_v[i] = 0.9 * want_v[i] + 0.1 * g[i] ** 2
        m_hat, v_hat = want_m[i] / (1 - 0.8 ** t), want_v[i] / (1 - 0.9 ** t)
        want_p[i] -= 0.01 * m_hat / (v_hat ** 0.5 + 1e-3)
    np.testing.assert_allclose(m, want_m, rtol=1e-12, err_msg=f"m after step {t}")
    np.testing.assert_allclose(v, want_v, rtol=1e-12, err_msg=f"v after step {t}")
    np.testing.assert_allclose(param, want_p, rtol=1e-12,
                               err_msg=f"param after step {t} (bias correction uses beta^t)")
# %% hidden
param, m, v = np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2)), np.zeros((2, 2))
p0 = param.copy()
for t in range(1, 6):
    g = np.array([[0.1, -0.2], [0.3, 0.05]]) * t
    param, m, v = adam_step(param, g, m, v, t)
want_m, want_v, want_p = np.zeros((2, 2)), np.zeros((2, 2)), p0.copy()
for t in range(1, 6):
    g = np.array([[0.1, -0.2], [0.3, 0.05]]) * t
    want_m = 0.9 * want_m + 0.1 * g
    want_v = 0.999 * want_v + 0.001 * g * g
    want_p = want_p - 1e-3 * (want_m / (1 - 0.9 ** t)) / (np.sqrt(want_v / (1 - 0.999 ** t))
                                                         + 1e-8)
np.testing.assert_allclose(v, want_v, rtol=1e-12, err_msg="default betas: v after 5 steps")
np.testing.assert_allclose(m, want_m, rtol=1e-12, err_msg="default betas: m after 5 steps")
np.testing.assert_allclose(param, want_p, rtol=1e-12,
                           err_msg="default lr, betas and eps: param after 5 steps")
# %% tests id=test_training points=1
# A toy problem: 6 points of 3 numbers, 3 classes; a linear layer (w, b) and the loss.
# Both optimizers, with your functions, must make the loss go down.
x = np.array([[1.0, 0.0, 0.5], [0.9, 0.1, 0.4], [0.0, 1.0, 0.3],
              [0.1, 0.8, 0.2], [0.2, 0.1, 1.0], [0.0, 0.2, 0.9]])
targets = np.array([0, 0, 1, 1, 2, 2])
def train(optimizer, steps=40):
    w, b = np.zeros((3, 3)), np.zeros(3)
    state = {"w": (np.zeros((3, 3)), np.zeros((3, 3))), "b": (np.zeros(3), np.zeros(3))}
    losses = []
    for t in range(1, steps + 1):
        losses.append(cross_entropy(x @ w + b, targets))
        dout = cross_entropy_backward(x @ w + b, targets)
        _, dw, db = linear_backward(dout, x, w)
        if optimizer == "sgd":
            w, b = sgd_step(w, dw, 1.0), sgd_step(b, db, 1.0)
        else:
            w, mw, vw = adam_step(w, dw, *state["w"], t, lr=0.05)
            b, mb, vb = adam_step(b, db, *state["b"], t, lr=0.05)
            state = {"w": (mw, vw), "b": (mb, vb)}
    return losses
for optimizer in ("sgd", "adam"):
    losses = train(optimizer)
    assert losses[-1] < 0.6 * losses[0], \
        f"{optimizer}: the loss must go down, from {losses[0]:.3f} to {losses[-1]:.3f}"
# %% hidden
losses = train("sgd", steps=25)
assert all(b < a for a, b in zip(losses, losses[1:])), "SGD with lr=1 on this toy problem " \
                                                       "lowers the loss at every step"
# %% markdown
# ## Self-check
#
# Run the cell below after all the others. It tells you which visible tests passed. Hidden
# tests are not part of it: they run when your notebook is graded.
# In JupyterLab you can also click **Validate** in the toolbar (or run
# `nbgrader validate learning.ipynb`).
