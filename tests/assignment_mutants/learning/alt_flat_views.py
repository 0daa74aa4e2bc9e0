# Correct: numerical gradient over a flat copy (reshape(-1)); Adam written with np.power and np.divide.
# %% solution id=numerical_gradient
def numerical_gradient(f, x, h=1e-5):
    work = np.array(x, dtype=float)
    flat = work.reshape(-1)          # a view of the copy
    out = np.zeros(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f(work)
        flat[i] = old - h
        f_minus = f(work)
        flat[i] = old
        out[i] = (f_plus - f_minus) / (2 * h)
    return out.reshape(work.shape)
# %% solution id=adam_step
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if t < 1:
        raise ValueError(f"t={t}: steps are numbered from 1")
    g = np.asarray(grad, dtype=float)
    new_m = np.add(np.multiply(beta1, m), np.multiply(1 - beta1, g))
    new_v = np.add(np.multiply(beta2, v), np.multiply(1 - beta2, np.power(g, 2)))
    m_hat = np.divide(new_m, 1 - np.power(beta1, t))
    v_hat = np.divide(new_v, 1 - np.power(beta2, t))
    step = np.divide(m_hat, np.sqrt(v_hat) + eps)
    return np.asarray(param, dtype=float) - lr * step, new_m, new_v
