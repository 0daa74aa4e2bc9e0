# Correct: shifts by the row maximum first and divides by the temperature after (same result).
# %% solution id=softmax
def softmax(logits, temperature=1.0):
    if not (temperature > 0):
        raise ValueError("temperature must be positive")
    z = np.array(logits, dtype=np.float64, copy=True)
    z -= np.amax(z, axis=-1, keepdims=True)
    z /= temperature
    np.exp(z, out=z)
    z /= np.sum(z, axis=-1, keepdims=True)
    return z
# %% solution id=log_softmax
def log_softmax(logits):
    z = np.array(logits, dtype=np.float64)
    shifted = z - np.amax(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
