# Wrong: subtracts the row maximum of ALL scores (later ones included), then masks.
# loses: test_weights_stable
# %% solution id=attention_weights
def attention_weights(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    T, D = q.shape[-2], q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(D)
    scores = scores - scores.max(axis=-1, keepdims=True)
    scores = np.where(causal_mask(T), scores, -np.inf)
    e = np.exp(scores)
    return e / e.sum(axis=-1, keepdims=True)
