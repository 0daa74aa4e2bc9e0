# Wrong: forward differences (f(x + h) - f(x)) / h: much less accurate.
# loses: test_numerical_gradient
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    base = f(x)
    for index in np.ndindex(x.shape):
        kept = x[index]
        x[index] = kept + h
        grad[index] = (f(x) - base) / h
        x[index] = kept
    return grad
