# Correct: Adam with the bias corrections folded into the step size (eps scaled to match).
# %% solution id=adam_step
import math

def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if not t >= 1:
        raise ValueError("t starts at 1")
    g = np.asarray(grad, dtype=float)
    m = beta1 * np.asarray(m, dtype=float) + (1.0 - beta1) * g
    v = beta2 * np.asarray(v, dtype=float) + (1.0 - beta2) * g ** 2
    c2 = math.sqrt(1.0 - beta2 ** t)
    lr_t = lr * c2 / (1.0 - beta1 ** t)
    return np.asarray(param, dtype=float) - lr_t * m / (np.sqrt(v) + eps * c2), m, v
# %% solution id=sgd_step
def sgd_step(param, grad, lr):
    return np.subtract(np.asarray(param, dtype=float), np.multiply(lr, grad))
