# Wrong: "fixes" log(softmax) by clipping the probabilities at 1e-300 (log gives -690.8, not -1000).
# loses: test_log_softmax
# %% solution id=log_softmax
def log_softmax(logits):
    return np.log(np.maximum(softmax(logits), 1e-300))
