# Correct: heads with np.stack/np.concatenate; weights as exp of the allowed scores only (np.where, no -inf).
# %% solution id=attention_weights
def attention_weights(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    T, D = q.shape[-2:]
    allowed = causal_mask(T)
    s = np.matmul(q, np.swapaxes(k, -2, -1)) / D ** 0.5
    top = np.max(np.where(allowed, s, -np.inf), axis=-1, keepdims=True)
    e = np.where(allowed, np.exp(np.where(allowed, s - top, 0.0)), 0.0)
    return e / np.sum(e, axis=-1, keepdims=True)
# %% solution id=split_merge
def split_heads(x, n_head):
    x = np.asarray(x, dtype=np.float64)
    C = x.shape[-1]
    if n_head * (C // n_head) != C:
        raise ValueError("C is not divisible by n_head")
    D = C // n_head
    return np.stack([x[..., h * D:(h + 1) * D] for h in range(n_head)], axis=-3)


def merge_heads(y):
    y = np.asarray(y, dtype=np.float64)
    return np.concatenate([y[..., h, :, :] for h in range(y.shape[-3])], axis=-1)
