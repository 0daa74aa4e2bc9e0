# Wrong: ignores rng and draws from numpy's global generator. Visible tests with a
# single possible id pass; everything that depends on the seed fails.
# expect: test_sample=0 test_generate_sampling=0 test_generate_filters=0
# %% solution id=sample
def sample(probs, rng):
    u = np.random.random()
    return int(np.searchsorted(np.cumsum(probs), u, side="right"))
