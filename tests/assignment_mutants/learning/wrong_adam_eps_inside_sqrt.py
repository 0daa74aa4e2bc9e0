# Wrong: epsilon inside the square root: sqrt(v_hat + eps).
# loses: test_adam_first_step
# %% solution id=adam_step
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if t < 1:
        raise ValueError("t counts from 1")
    param, g = np.asarray(param, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    m = beta1 * np.asarray(m) + (1 - beta1) * g
    v = beta2 * np.asarray(v) + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return param - lr * m_hat / np.sqrt(v_hat + eps), m, v
