# Wrong: dx = dout @ w instead of dout @ w.T.
# loses: test_linear_backward
# %% solution id=linear_backward
def linear_backward(dout, x, w):
    dout, x, w = (np.asarray(a, dtype=np.float64) for a in (dout, x, w))
    d2, x2 = dout.reshape(-1, w.shape[1]), x.reshape(-1, w.shape[0])
    return dout @ w, x2.T @ d2, d2.sum(axis=0)
