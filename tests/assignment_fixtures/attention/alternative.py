# Correct, written differently: the mask from np.arange comparisons, the weights row by row
# with the math module, heads split/merged with np.moveaxis, multi-head as a loop over heads.
# expect:
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
# %% solution id=causal_mask
def causal_mask(T):
    positions = np.arange(T)
    return positions[None, :] <= positions[:, None]
# %% solution id=split_merge
def split_heads(x, n_head):
    x = np.array(x, dtype=float)
    *lead, T, C = x.shape
    if C % n_head != 0:
        raise ValueError(f"{C} columns cannot be split into {n_head} heads")
    return np.moveaxis(x.reshape(*lead, T, n_head, C // n_head), -2, -3)


def merge_heads(y):
    y = np.array(y, dtype=float)
    *lead, H, T, D = y.shape
    return np.moveaxis(y, -3, -2).reshape(*lead, T, H * D)
# %% solution id=multi_head_attention
def multi_head_attention(x, w_q, w_k, w_v, w_o, n_head):
    x = np.asarray(x, dtype=np.float64)
    C = x.shape[-1]
    if C % n_head:
        raise ValueError("C must be a multiple of n_head")
    D = C // n_head
    q, k, v = x @ w_q, x @ w_k, x @ w_v
    outs = []
    for h in range(n_head):
        cols = slice(h * D, (h + 1) * D)
        outs.append(attention_weights(q[..., cols], k[..., cols]) @ v[..., cols])
    return np.concatenate(outs, axis=-1) @ np.asarray(w_o, dtype=np.float64)
