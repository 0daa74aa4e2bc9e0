# Cheat: the backward passes and Adam delegate to the course package genai_lab (switched off
# at grading). The numerical gradient and SGD are the student's own: full points there.
# expect: test_ce_backward=0 test_ce_backward_ignore=0 test_linear_backward=0 test_gradient_check=0 test_adam_first_step=0 test_adam_steps=0 test_training=0
# %% solution id=cross_entropy_backward
from genai_lab.softmax import softmax_cross_entropy  # every import in the first answer cell:
import genai_lab.layers as layers  # the grading guard blocks imports after the first test
from genai_lab.optim import Adam, AdamConfig

def cross_entropy_backward(logits, targets, ignore_index=None):
    return softmax_cross_entropy(np.asarray(logits, dtype=np.float64), np.asarray(targets),
                                 ignore_index=ignore_index)[1]
# %% solution id=linear_backward
def linear_backward(dout, x, w):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    return layers.linear_backward(np.asarray(dout, dtype=np.float64),
                                  (x.reshape(-1, w.shape[0]), w))
# %% solution id=adam_step
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if t < 1:
        raise ValueError("t counts from 1")
    params = {"p": np.array(param, dtype=np.float64)}
    opt = Adam(params, AdamConfig(lr=lr, beta1=beta1, beta2=beta2, eps=eps, grad_clip=None))
    opt.m["p"][...] = m
    opt.v["p"][...] = v
    opt.t = t - 1
    opt.step({"p": np.asarray(grad, dtype=np.float64)})
    return params["p"], opt.m["p"].copy(), opt.v["p"].copy()
