# Wrong: SGD steps WITH the gradient (param + lr * grad): the loss goes up.
# expect: test_sgd=0 test_training=0
# %% solution id=sgd_step
def sgd_step(param, grad, lr):
    return np.asarray(param, dtype=np.float64) + lr * np.asarray(grad, dtype=np.float64)
