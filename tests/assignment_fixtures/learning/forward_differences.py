# Wrong: forward differences (f(x + h) - f(x)) / h, too inaccurate for the gradient check.
# expect: test_numerical_gradient=0 test_gradient_check=0
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
