# Wrong: updates param in place and returns it.
# loses: test_sgd
# %% solution id=sgd_step
def sgd_step(param, grad, lr):
    param = np.asarray(param, dtype=np.float64)
    param -= lr * np.asarray(grad, dtype=np.float64)
    return param
