# Tampering: wrong axis, and the student replaced its test cell by "pass". nbgrader
# restores the test cell from the gradebook, so the wrong code still loses the points.
# expect: test_softmax_last_axis=0 test_softmax_stable=0
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()
# %% edit id=test_softmax_last_axis
pass
