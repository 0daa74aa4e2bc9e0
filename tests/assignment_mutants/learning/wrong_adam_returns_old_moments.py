# Wrong: returns the m and v it was given instead of the updated ones.
# loses: test_adam_first_step
# %% solution id=adam_step
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if t < 1:
        raise ValueError("t counts from 1")
    param, g = np.asarray(param, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    new_m = beta1 * np.asarray(m) + (1 - beta1) * g
    new_v = beta2 * np.asarray(v) + (1 - beta2) * g * g
    m_hat, v_hat = new_m / (1 - beta1 ** t), new_v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), np.asarray(m, dtype=float), np.asarray(v, dtype=float)
