# Correct: the weights row by row with the math module, only over the allowed keys.
# %% solution id=causal_mask
def causal_mask(T):
    mask = np.zeros((T, T), dtype=bool)
    for i in range(T):
        mask[i, : i + 1] = True
    return mask
# %% solution id=attention_weights
import math

def attention_weights(q, k):
    q = np.asarray(q, dtype=float)
    k = np.asarray(k, dtype=float)
    T, D = q.shape[-2:]
    lead = q.shape[:-2]
    qf, kf = q.reshape(-1, T, D), k.reshape(-1, T, D)
    out = np.zeros((qf.shape[0], T, T))
    for s in range(qf.shape[0]):
        for i in range(T):
            scores = [float(qf[s, i] @ kf[s, j]) / math.sqrt(D) for j in range(i + 1)]
            top = max(scores)
            w = [math.exp(v - top) for v in scores]
            total = math.fsum(w)
            out[s, i, : i + 1] = [x / total for x in w]
    return out.reshape(lead + (T, T))
