# Correct: einsum for the linear layer; numerical gradient with fresh copies (nothing to put back).
# %% solution id=linear_backward
def linear_backward(dout, x, w):
    dout = np.asarray(dout, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    dx = np.einsum("...o,io->...i", dout, w)
    x2 = x.reshape(-1, w.shape[0])             # (N, C_in)
    d2 = dout.reshape(-1, w.shape[1])          # (N, C_out)
    dw = np.einsum("ni,no->io", x2, d2)
    db = np.einsum("no->o", d2)
    return dx, dw, db
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    base = np.asarray(x, dtype=np.float64)
    grad = np.empty(base.shape)
    for index in np.ndindex(base.shape):
        step = np.zeros(base.shape)
        step[index] = h
        grad[index] = (f(base + step) - f(base - step)) / (2.0 * h)
    return grad
