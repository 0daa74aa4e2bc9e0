# Correct, written differently: Python loops and sorted(), rng.choice for the draw (it
# draws one rng.random() and returns the first cumulative probability above it), a while
# loop for generation.
# expect:
# %% solution id=greedy
def greedy(logits):
    values = [float(v) for v in logits]
    best = 0
    for i, v in enumerate(values):
        if v > values[best]:
            best = i
    return best
# %% solution id=top_k
def top_k_filter(probs, k):
    values = [float(v) for v in probs]
    if int(k) != k or k < 1 or k > len(values):
        raise ValueError(f"k={k} out of range")
    threshold = sorted(values, reverse=True)[k - 1]
    kept = np.array([v if v >= threshold else 0.0 for v in values])
    return kept / kept.sum()
# %% solution id=top_p
def top_p_filter(probs, p):
    if p <= 0 or p > 1:
        raise ValueError(f"p={p} out of range")
    values = [float(v) for v in probs]
    ranked = sorted(range(len(values)), key=lambda i: (-values[i], i))
    kept, total = np.zeros(len(values)), 0.0
    for i in ranked:
        if total >= p:
            break
        kept[i] = values[i]
        total += values[i]
    return kept / kept.sum()
# %% solution id=sample
def sample(probs, rng):
    p = np.asarray(probs, dtype=np.float64)
    return int(rng.choice(len(p), p=p))
# %% solution id=generate
def generate(next_logits, prompt, n_new, rng, temperature=1.0, top_k=None, top_p=None):
    out = list(prompt)
    while len(out) < len(prompt) + n_new:
        logits = np.array(next_logits(out[:]), dtype=float)
        if temperature == 0:
            out.append(greedy(logits))
            continue
        scaled = logits / temperature
        log_z = np.logaddexp.reduce(scaled)
        probs = np.exp(scaled - log_z)
        if top_k is not None:
            probs = top_k_filter(probs, top_k)
        if top_p is not None:
            probs = top_p_filter(probs, top_p)
        out.append(sample(probs, rng))
    return out
