# Wrong: works on the caller's array (np.asarray does not copy) and undoes each change by arithmetic, which can leave x off by a rounding error.
# loses: test_numerical_gradient
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += h
        up = f(x)
        x[index] -= 2 * h
        down = f(x)
        x[index] += h
        grad[index] = (up - down) / (2 * h)
    return grad
