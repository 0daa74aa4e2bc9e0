# Correct, written differently: the gradient row by row with the math module, dw as a sum of
# outer products, einsum, a numerical gradient from fresh copies, Adam with the bias
# corrections folded into the step size.
# expect:
# %% solution id=cross_entropy_backward
import math

def cross_entropy_backward(logits, targets, ignore_index=None):
    rows = [[float(v) for v in row] for row in logits]
    ts = [int(t) for t in targets]
    kept = [r for r, t in enumerate(ts) if ignore_index is None or t != ignore_index]
    if not kept:
        raise ValueError("every position is ignored")
    out = np.zeros((len(rows), len(rows[0])))
    for r in kept:
        if not 0 <= ts[r] < len(rows[r]):
            raise ValueError(f"target {ts[r]} out of range")
        top = max(rows[r])
        e = [math.exp(v - top) for v in rows[r]]
        s = math.fsum(e)
        for c in range(len(e)):
            out[r, c] = (e[c] / s - (1.0 if c == ts[r] else 0.0)) / len(kept)
    return out
# %% solution id=linear_backward
def linear_backward(dout, x, w):
    w = np.asarray(w, dtype=float)
    c_in, c_out = w.shape
    d = np.asarray(dout, dtype=float).reshape(-1, c_out)
    xs = np.asarray(x, dtype=float).reshape(-1, c_in)
    dw = np.zeros((c_in, c_out))
    for n in range(xs.shape[0]):
        dw += np.outer(xs[n], d[n])
    dx = (d @ w.T).reshape(np.shape(x))
    return dx, dw, d.sum(axis=0)
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    base = np.asarray(x, dtype=np.float64)
    grad = np.empty(base.shape)
    for index in np.ndindex(base.shape):
        step = np.zeros(base.shape)
        step[index] = h
        grad[index] = (f(base + step) - f(base - step)) / (2.0 * h)
    return grad
# %% solution id=adam_step
import math

def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if not t >= 1:
        raise ValueError("t starts at 1")
    g = np.asarray(grad, dtype=float)
    m = beta1 * np.asarray(m, dtype=float) + (1.0 - beta1) * g
    v = beta2 * np.asarray(v, dtype=float) + (1.0 - beta2) * g ** 2
    c2 = math.sqrt(1.0 - beta2 ** t)
    lr_t = lr * c2 / (1.0 - beta1 ** t)
    return np.asarray(param, dtype=float) - lr_t * m / (np.sqrt(v) + eps * c2), m, v
# %% solution id=sgd_step
def sgd_step(param, grad, lr):
    return np.subtract(np.asarray(param, dtype=float), np.multiply(lr, grad))
