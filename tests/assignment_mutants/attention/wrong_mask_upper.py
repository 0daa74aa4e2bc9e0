# Wrong: the mask the wrong way round (True for the later positions, np.triu).
# loses: test_causal_mask test_weights_known test_self_attention_causal
# %% solution id=causal_mask
def causal_mask(T):
    return np.triu(np.ones((T, T), dtype=bool))
