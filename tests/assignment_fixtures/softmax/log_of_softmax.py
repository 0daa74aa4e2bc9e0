# Wrong: log_softmax as np.log(softmax(z)): -inf when a probability underflows to 0.
# The reference cross_entropy uses log_softmax, so it inherits the -inf on large logits.
# expect: test_log_softmax=0 test_cross_entropy=0
# %% solution id=log_softmax
def log_softmax(logits):
    return np.log(softmax(logits))
