# Wrong: greedy returns np.argmax's numpy integer, not a Python int.
# loses: test_greedy
# %% solution id=greedy
def greedy(logits):
    return np.argmax(np.asarray(logits, dtype=np.float64))
