# Wrong: normalises over axis 0 (the columns of a batch); right only for 1-D input. The
# stability cell holds a batch too (rows hundreds apart), so it loses that cell as well.
# expect: test_softmax_last_axis=0 test_softmax_stable=0
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
