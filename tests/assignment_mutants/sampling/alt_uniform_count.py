# Correct: u = rng.uniform() (the same number as rng.random()), id = how many cumulative values are <= u.
# %% solution id=sample
def sample(probs, rng):
    u = rng.uniform()
    return int(np.count_nonzero(np.cumsum(np.asarray(probs, dtype=float)) <= u))
# %% solution id=generate
def generate(next_logits, prompt, n_new, rng, temperature=1.0, top_k=None, top_p=None):
    out = [int(t) for t in prompt]
    while len(out) < len(prompt) + n_new:
        z = np.array(next_logits(out[:]), dtype=float)
        if temperature == 0:
            out.append(greedy(z))
            continue
        z = z / temperature
        z -= z.max()
        probs = np.exp(z) / np.exp(z).sum()
        probs = probs if top_k is None else top_k_filter(probs, top_k)
        probs = probs if top_p is None else top_p_filter(probs, top_p)
        out.append(sample(probs, rng))
    return out
