# Wrong: draws u from numpy's global generator instead of rng.
# loses: test_sample
# %% solution id=sample
def sample(probs, rng):
    u = np.random.random()
    return int(np.searchsorted(np.cumsum(probs), u, side="right"))
