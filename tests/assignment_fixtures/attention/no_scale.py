# Wrong: the scores are not divided by sqrt(D). Cases with D = 1 or equal scores cannot
# tell; the scale test and the random references can.
# expect: test_weights_scale=0 test_weights_batch=0 test_self_attention=0 test_multi_head=0
# %% solution id=attention_weights
def attention_weights(q, k):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    scores = q @ np.swapaxes(k, -1, -2)
    scores = np.where(causal_mask(q.shape[-2]), scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
