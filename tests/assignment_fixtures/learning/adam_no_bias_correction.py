# Wrong: Adam without the bias correction. The loss still goes down on the toy problem,
# but the first step is about 3 times too large and the step values are wrong.
# expect: test_adam_first_step=0 test_adam_steps=0
# %% solution id=adam_step
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if t < 1:
        raise ValueError("t counts from 1")
    g = np.asarray(grad, dtype=np.float64)
    m = beta1 * np.asarray(m, dtype=np.float64) + (1 - beta1) * g
    v = beta2 * np.asarray(v, dtype=np.float64) + (1 - beta2) * g * g
    return np.asarray(param, dtype=np.float64) - lr * m / (np.sqrt(v) + eps), m, v
