# Wrong: scales the scores of every head by 1/sqrt(C), the full width, not 1/sqrt(C/H).
# loses: test_multi_head
# %% solution id=multi_head_attention
def multi_head_attention(x, w_q, w_k, w_v, w_o, n_head):
    x = np.asarray(x, dtype=np.float64)
    C = x.shape[-1]
    q, k, v = (split_heads(x @ w, n_head) for w in (w_q, w_k, w_v))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(C)
    T = x.shape[-2]
    scores = np.where(causal_mask(T), scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return merge_heads(e / e.sum(axis=-1, keepdims=True) @ v) @ w_o
