# Wrong: uses beta1 for v and beta2 for m (invisible on the first step).
# loses: test_adam_steps
# %% solution id=adam_step
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if t < 1:
        raise ValueError("t counts from 1")
    param, g = np.asarray(param, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    m = beta2 * np.asarray(m) + (1 - beta2) * g
    v = beta1 * np.asarray(v) + (1 - beta1) * g * g
    m_hat, v_hat = m / (1 - beta2 ** t), v / (1 - beta1 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
