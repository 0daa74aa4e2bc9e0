# Wrong: works on the caller's array (np.asarray does not copy a float64 array) and leaves every entry at x - h.
# loses: test_numerical_gradient
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        kept = x[index]
        x[index] = kept + h
        up = f(x)
        x[index] = kept - h
        down = f(x)
        grad[index] = (up - down) / (2 * h)
    return grad
