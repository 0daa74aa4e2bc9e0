# Wrong: loops over x[i] with range(len(x)): works only for a 1-D x.
# loses: test_numerical_gradient
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        kept = x[i].copy()
        x[i] = kept + h
        up = f(x)
        x[i] = kept - h
        down = f(x)
        x[i] = kept
        grad[i] = (up - down) / (2 * h)
    return grad
