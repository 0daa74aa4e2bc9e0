# Wrong: queries from w_k and keys from w_q.
# loses: test_self_attention
# %% solution id=self_attention
def self_attention(x, w_q, w_k, w_v):
    x = np.asarray(x, dtype=np.float64)
    return attention_weights(x @ w_k, x @ w_q) @ (x @ w_v)
