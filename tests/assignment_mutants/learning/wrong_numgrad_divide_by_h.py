# Wrong: central differences divided by h instead of 2h.
# loses: test_numerical_gradient
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        kept = x[index]
        x[index] = kept + h
        up = f(x)
        x[index] = kept - h
        down = f(x)
        x[index] = kept
        grad[index] = (up - down) / h
    return grad
