# Wrong: applies top-p before top-k (the task says top-k first).
# loses: test_generate_filters
# %% solution id=generate
def generate(next_logits, prompt, n_new, rng, temperature=1.0, top_k=None, top_p=None):
    ids = list(prompt)
    for _ in range(n_new):
        logits = np.asarray(next_logits(list(ids)), dtype=np.float64)
        if temperature == 0:
            ids.append(greedy(logits))
            continue
        z = logits / temperature
        e = np.exp(z - z.max())
        probs = e / e.sum()
        if top_p is not None:
            probs = top_p_filter(probs, top_p)
        if top_k is not None:
            probs = top_k_filter(probs, top_k)
        ids.append(sample(probs, rng))
    return ids
