# Wrong: multiplies the values by the transposed weights (position j collects from later positions).
# loses: test_self_attention test_self_attention_causal
# %% solution id=self_attention
def self_attention(x, w_q, w_k, w_v):
    x = np.asarray(x, dtype=np.float64)
    weights = attention_weights(x @ w_q, x @ w_k)
    return np.swapaxes(weights, -1, -2) @ (x @ w_v)
