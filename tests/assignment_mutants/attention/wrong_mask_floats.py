# Wrong: returns a float matrix of ones and zeros instead of bool.
# loses: test_causal_mask
# %% solution id=causal_mask
def causal_mask(T):
    return np.tril(np.ones((T, T)))
