# Correct: flattens to rows and handles one row at a time with the math module.
# %% solution id=softmax
import math

def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    z = np.asarray(logits, dtype=np.float64)
    rows = z.reshape(-1, z.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        scaled = [v / temperature for v in row]
        m = max(scaled)
        weights = [math.exp(v - m) for v in scaled]
        total = math.fsum(weights)
        out[i] = [w / total for w in weights]
    return out.reshape(z.shape)
# %% solution id=log_softmax
def log_softmax(logits):
    z = np.asarray(logits, dtype=np.float64)
    rows = z.reshape(-1, z.shape[-1])
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        m = max(row)
        out[i] = [v - m - math.log(math.fsum(math.exp(u - m) for u in row)) for v in row]
    return out.reshape(z.shape)
