# Wrong: ignores the h it is given (always 1e-5).
# loses: test_numerical_gradient
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    step = 1e-5
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        kept = x[index]
        x[index] = kept + step
        up = f(x)
        x[index] = kept - step
        down = f(x)
        x[index] = kept
        grad[index] = (up - down) / (2 * step)
    return grad
