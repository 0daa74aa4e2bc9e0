# Wrong: draws a vector of uniforms and uses the first one (consumes V numbers per draw).
# loses: test_sample
# %% solution id=sample
def sample(probs, rng):
    u = rng.random(len(probs))[0]
    return int(np.searchsorted(np.cumsum(probs), u, side="right"))
