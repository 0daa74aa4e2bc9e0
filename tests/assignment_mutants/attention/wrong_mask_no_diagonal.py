# Wrong: a position may not look at itself (np.tril with k=-1): row 0 has no allowed key.
# loses: test_causal_mask test_weights_known
# %% solution id=causal_mask
def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool), k=-1)
