# Wrong tie rule: returns the LAST of the tied largest logits.
# expect: test_greedy=0
# %% solution id=greedy
def greedy(logits):
    x = np.asarray(logits, dtype=np.float64)
    return int(len(x) - 1 - np.argmax(x[::-1]))
