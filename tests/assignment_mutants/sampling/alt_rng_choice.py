# Correct: rng.choice for the draw (the task says it does exactly the prescribed method).
# %% solution id=sample
def sample(probs, rng):
    return int(rng.choice(len(probs), p=np.asarray(probs, dtype=float)))
