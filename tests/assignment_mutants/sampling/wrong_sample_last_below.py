# Wrong: returns the last id whose cumulative probability is <= u (one id too early).
# loses: test_sample
# %% solution id=sample
def sample(probs, rng):
    u = rng.random()
    cumulative = np.cumsum(probs)
    below = np.flatnonzero(cumulative <= u)
    return int(below[-1]) if below.size else 0
