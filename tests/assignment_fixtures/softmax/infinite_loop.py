# Broken: cross_entropy never ends (a while loop that forgets i += 1). Each call is stopped
# by the execution timeout; only the cells that call it lose points, the rest of this
# notebook and the other students of the batch are graded normally.
# expect: test_cross_entropy=0 test_cross_entropy_targets=0
# %% solution id=cross_entropy
def cross_entropy(logits, targets):
    logp = log_softmax(logits)
    total, i = 0.0, 0
    while i < len(targets):
        total -= logp[i, targets[i]]
    return float(total / len(targets))
