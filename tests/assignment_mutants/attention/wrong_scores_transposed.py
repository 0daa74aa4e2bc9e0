# Wrong: scores k_i . q_j (keys against queries) instead of q_i . k_j.
# loses: test_weights_known
# %% solution id=attention_weights
def attention_weights(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    T, D = q.shape[-2], q.shape[-1]
    scores = k @ np.swapaxes(q, -1, -2) / np.sqrt(D)
    scores = np.where(causal_mask(T), scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
