# Wrong: softmax over all positions, then zeroes the later ones and renormalises (a huge later score underflows the rest to 0/0).
# loses: test_weights_stable
# %% solution id=attention_weights
def attention_weights(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    T, D = q.shape[-2], q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(D)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True)) * causal_mask(T)
    return e / e.sum(axis=-1, keepdims=True)
