# Wrong: forgets the output projection w_o.
# loses: test_multi_head
# %% solution id=multi_head_attention
def multi_head_attention(x, w_q, w_k, w_v, w_o, n_head):
    x = np.asarray(x, dtype=np.float64)
    q, k, v = (split_heads(x @ w, n_head) for w in (w_q, w_k, w_v))
    return merge_heads(attention_weights(q, k) @ v)
