# Correct: top-k as a mask of -inf on the logits before the softmax (the same renormalised probabilities).
# %% solution id=generate
def generate(next_logits, prompt, n_new, rng, temperature=1.0, top_k=None, top_p=None):
    ids = list(prompt)
    for _ in range(n_new):
        logits = np.asarray(next_logits(list(ids)), dtype=np.float64)
        if temperature == 0:
            ids.append(greedy(logits))
            continue
        z = logits / temperature
        if top_k is not None:
            t = np.sort(z)[::-1][top_k - 1]
            z = np.where(z >= t, z, -np.inf)
        e = np.exp(z - z.max())
        probs = e / e.sum()
        if top_p is not None:
            probs = top_p_filter(probs, top_p)
        ids.append(sample(probs, rng))
    return ids
