# Wrong: forgets w_v: the weighted sum of x instead of the values.
# loses: test_self_attention
# %% solution id=self_attention
def self_attention(x, w_q, w_k, w_v):
    x = np.asarray(x, dtype=np.float64)
    return attention_weights(x @ w_q, x @ w_k) @ x
