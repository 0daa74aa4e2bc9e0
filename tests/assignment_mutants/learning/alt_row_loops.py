# Correct: the gradient row by row with the math module; dw and db with explicit sums.
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
