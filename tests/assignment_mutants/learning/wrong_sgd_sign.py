# Wrong: param + lr * grad: a step up the gradient.
# loses: test_sgd test_training
# %% solution id=sgd_step
def sgd_step(param, grad, lr):
    return np.asarray(param, dtype=np.float64) + lr * np.asarray(grad, dtype=np.float64)
