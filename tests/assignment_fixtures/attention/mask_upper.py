# Wrong: the causal mask the wrong way round (np.triu: each position sees the LATER ones).
# Everything built on the mask fails, except what compares the student with itself.
# expect: test_causal_mask=0 test_weights_known=0 test_weights_scale=0 test_weights_stable=0 test_weights_batch=0 test_self_attention=0 test_self_attention_causal=0 test_multi_head=0 test_multi_head_batch_causal=0
# %% solution id=causal_mask
def causal_mask(T):
    return np.triu(np.ones((T, T), dtype=bool))
