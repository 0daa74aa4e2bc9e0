# Wrong: merges the heads in reverse order (last head first).
# loses: test_multi_head
# %% solution id=multi_head_attention
def multi_head_attention(x, w_q, w_k, w_v, w_o, n_head):
    x = np.asarray(x, dtype=np.float64)
    q, k, v = (split_heads(x @ w, n_head) for w in (w_q, w_k, w_v))
    y = attention_weights(q, k) @ v
    return merge_heads(np.flip(y, axis=-3)) @ w_o
