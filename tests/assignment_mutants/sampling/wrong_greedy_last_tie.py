# Wrong: greedy returns the LAST of several tied ids (max of (value, id) pairs).
# loses: test_greedy
# %% solution id=greedy
def greedy(logits):
    return max(range(len(logits)), key=lambda i: (logits[i], i))
