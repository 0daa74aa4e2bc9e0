# Wrong: does not put an entry back after changing it (later entries see a shifted x).
# loses: test_numerical_gradient
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        x[index] += h
        up = f(x)
        x[index] -= 2 * h
        down = f(x)
        grad[index] = (up - down) / (2 * h)
    return grad
