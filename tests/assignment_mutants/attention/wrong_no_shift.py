# Wrong: no maximum subtracted before np.exp: scores in the thousands overflow or underflow.
# loses: test_weights_stable
# %% solution id=attention_weights
def attention_weights(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    T, D = q.shape[-2], q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(D)
    e = np.exp(np.where(causal_mask(T), scores, -np.inf))
    return e / e.sum(axis=-1, keepdims=True)
