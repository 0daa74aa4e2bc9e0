# Wrong: dw = x.T @ dout without flattening: right for (N, C_in), wrong for a batch (B, T, C_in).
# loses: test_linear_backward
# %% solution id=linear_backward
def linear_backward(dout, x, w):
    dout, x, w = (np.asarray(a, dtype=np.float64) for a in (dout, x, w))
    return dout @ w.T, x.T @ dout, dout.reshape(-1, w.shape[1]).sum(axis=0)
