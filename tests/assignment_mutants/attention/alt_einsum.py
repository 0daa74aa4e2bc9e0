# Correct: einsum for the scores and the weighted sum, a large finite negative number as the mask.
# %% solution id=attention_weights
def attention_weights(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    d = q.shape[-1]
    s = np.einsum("...id,...jd->...ij", q, k) / np.sqrt(d)
    s = np.where(causal_mask(q.shape[-2]), s, -1e300)
    s -= s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    return w / w.sum(axis=-1, keepdims=True)
# %% solution id=self_attention
def self_attention(x, w_q, w_k, w_v):
    x = np.asarray(x, dtype=np.float64)
    weights = attention_weights(np.einsum("...tc,cd->...td", x, w_q),
                                np.einsum("...tc,cd->...td", x, w_k))
    return np.einsum("...ij,...jd->...id", weights, np.einsum("...tc,cd->...td", x, w_v))
