# Wrong: the loop writes n_new - 1 new ids.
# expect: test_generate_greedy=0 test_generate_sampling=0 test_generate_filters=0
# %% solution id=generate
def generate(next_logits, prompt, n_new, rng, temperature=1.0, top_k=None, top_p=None):
    ids = list(prompt)
    for _ in range(1, n_new):
        logits = np.asarray(next_logits(ids), dtype=np.float64)
        if temperature == 0:
            ids.append(greedy(logits))
            continue
        z = logits / temperature
        probs = np.exp(z - z.max())
        probs /= probs.sum()
        if top_k is not None:
            probs = top_k_filter(probs, top_k)
        if top_p is not None:
            probs = top_p_filter(probs, top_p)
        ids.append(sample(probs, rng))
    return ids
