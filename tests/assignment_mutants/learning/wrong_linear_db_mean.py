# Wrong: db is the mean of dout over the positions instead of the sum.
# loses: test_linear_backward
# %% solution id=linear_backward
def linear_backward(dout, x, w):
    dout, x, w = (np.asarray(a, dtype=np.float64) for a in (dout, x, w))
    d2, x2 = dout.reshape(-1, w.shape[1]), x.reshape(-1, w.shape[0])
    return dout @ w.T, x2.T @ d2, d2.mean(axis=0)
