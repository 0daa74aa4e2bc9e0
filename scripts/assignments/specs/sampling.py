# Spec of the nbgrader assignment "sampling"; build with: python scripts/assignments/build.py
# %% markdown
# # Assignment 4: choosing the next word
#
# A language model gives one probability for every word of its vocabulary. To write text,
# we choose one word, append it, ask the model again, and repeat. How we choose matters:
# **greedy** always takes the most likely word; **sampling** draws a word at random with
# these probabilities; **top-k** and **top-p** first remove the unlikely words.
#
# Read first: the book chapter *Word selection*,
# <https://genai-lab.github.io/genai-lab/chapters/10_word_selection.html>
# (also in the repository as `chapters/10_word_selection.md`, which `make lab` opens as a
# notebook).
#
# **How this works.** Write your code where it says `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line). Under each function a read-only cell tests it. The
# tests you can see are a self-check; **more tests are hidden** and run when your notebook
# is graded, so follow the rules exactly.
#
# **Rules for every function.**
# * Use numpy only. Do not use `genai_lab` (the course package): during grading it is
#   switched off, and a function that calls it fails its tests.
# * Inputs can be Python lists or numpy arrays; probabilities are returned as new numpy
#   arrays of `float64`; ids are returned as Python `int` (use `int(...)`).
# * Never change the array you were given.
# * Randomness comes **only** from the `rng` argument, a `np.random.Generator` such as
#   `np.random.default_rng(0)`. Never use `np.random.random`, `np.random.choice` or
#   `np.random.seed`: the same seed must always give the same text.
# %% code id=setup
import numpy as np
# %% markdown
# ## 1. Greedy choice
#
# `greedy(logits)` returns the id (position) of the largest logit, as a Python `int`.
# If several logits tie for the largest, return the **smallest** of their ids.
# %% solution id=greedy
def greedy(logits):
    """Id of the largest logit (smallest id on ties): (V,) -> int."""
    ### BEGIN SOLUTION
    return int(np.argmax(np.asarray(logits, dtype=np.float64)))
    ### END SOLUTION
# %% tests id=test_greedy points=1
result = greedy([0.1, 2.0, -1.0])
assert isinstance(result, int), f"greedy must return a Python int, got {type(result)}"
assert result == 1, f"greedy([0.1, 2.0, -1.0]) should be 1, got {result}"
# %% hidden
assert greedy([-5.0, -2.0, -9.0]) == 1, "greedy must work with negative logits"
assert greedy(np.array([3.0, 1.0, 3.0])) == 0, "on a tie, greedy returns the smallest id"
assert greedy([1.0, 4.0, 2.0, 4.0, 4.0]) == 1, "on a tie, greedy returns the smallest id"
assert isinstance(greedy(np.array([1, 5, 2])), int), "greedy must return a Python int"
# %% markdown
# ## 2. Top-k filtering
#
# `top_k_filter(probs, k)` keeps the `k` most likely words and removes the others.
# * Let `t` be the `k`-th largest probability. **Keep every word whose probability is
#   `>= t`** (so when several words tie with the `k`-th one, all of them are kept and more
#   than `k` words survive). Set the others to 0.
# * Divide by the sum of the kept probabilities so that the result sums to 1 again.
# * `k` must be an integer (a Python `int` or a numpy integer) with `1 <= k <= V` (the
#   number of words); otherwise (for example `k=0`, `k=V+1` or `k=1.5`) raise `ValueError`.
#
# Example: `[0.1, 0.4, 0.2, 0.3]` with `k=2` keeps 0.4 and 0.3, and returns
# `[0, 4/7, 0, 3/7]`.
# %% solution id=top_k
def top_k_filter(probs, k):
    """Keep the probabilities >= the k-th largest, renormalised: (V,) -> (V,) float64."""
    ### BEGIN SOLUTION
    p = np.asarray(probs, dtype=np.float64)  # (V,)
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= p.size:
        raise ValueError(f"k must be an integer between 1 and {p.size}, got {k!r}")
    threshold = np.sort(p)[::-1][k - 1]  # the k-th largest probability
    kept = np.where(p >= threshold, p, 0.0)  # (V,)
    return kept / kept.sum()
    ### END SOLUTION
# %% tests id=test_top_k points=2
probs = np.array([0.1, 0.4, 0.2, 0.3])
result = top_k_filter(probs, 2)
assert isinstance(result, np.ndarray), f"top_k_filter must return a numpy array, got {type(result)}"
assert result.shape == (4,), f"expected shape (4,), got {result.shape}"
assert result.dtype == np.float64, f"expected dtype float64, got {result.dtype}"
np.testing.assert_allclose(result, [0.0, 4 / 7, 0.0, 3 / 7], rtol=1e-12,
                           err_msg="top_k_filter([0.1, 0.4, 0.2, 0.3], 2) keeps 0.4 and 0.3 "
                                   "and renormalises")
np.testing.assert_array_equal(probs, [0.1, 0.4, 0.2, 0.3],
                              err_msg="top_k_filter must not change its input")
# %% hidden
# Ties at the k-th place are all kept.
result = top_k_filter([0.25, 0.25, 0.25, 0.125, 0.125], 2)
np.testing.assert_allclose(result, [1 / 3, 1 / 3, 1 / 3, 0.0, 0.0], rtol=1e-12,
                           err_msg="k=2 with three words tied at 0.25: all three are kept")
result = top_k_filter([0.1, 0.4, 0.1, 0.2, 0.2], 2)
np.testing.assert_allclose(result, [0.0, 0.5, 0.0, 0.25, 0.25], rtol=1e-12,
                           err_msg="k=2 with two words tied at the 2nd place: both are kept")
result = top_k_filter([0.125, 0.5, 0.125, 0.25], 3)
np.testing.assert_allclose(result, [0.125, 0.5, 0.125, 0.25], rtol=1e-12,
                           err_msg="k=3 with two words tied at the 3rd place: all 4 are kept")
np.testing.assert_allclose(top_k_filter([0.2, 0.3, 0.5], 3), [0.2, 0.3, 0.5], rtol=1e-12,
                           err_msg="k=V keeps every word")
np.testing.assert_allclose(top_k_filter([0.2, 0.3, 0.5], 1), [0.0, 0.0, 1.0], rtol=1e-12,
                           err_msg="k=1 keeps only the most likely word")
np.testing.assert_allclose(top_k_filter([0.2, 0.3, 0.5], np.int64(2)), [0.0, 0.375, 0.625],
                           rtol=1e-12, err_msg="a numpy integer k works like an int")
for bad in (0, 4, 1.5):
    try:
        top_k_filter([0.2, 0.3, 0.5], bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"top_k_filter(probs of 3 words, k={bad!r}) must raise ValueError")
# %% markdown
# ## 3. Top-p (nucleus) filtering
#
# `top_p_filter(probs, p)` keeps the smallest set of most likely words whose probabilities
# add up to at least `p`. Precisely:
# 1. Order the words from the most to the least likely. Words with equal probability are
#    ordered by id, smaller id first (`np.argsort(-probs, kind="stable")` does this).
# 2. Walk down this order, adding up the probabilities. **Keep a word if the sum of the
#    probabilities of the words before it is `< p`.** (So the first word is always kept,
#    and so is the word that makes the sum reach or pass `p`; the words after it are
#    removed.)
# 3. Set the removed words to 0 and divide by the sum of the kept ones.
# * `p` must satisfy `0 < p <= 1`; otherwise raise `ValueError`.
#
# Example: `[0.5, 0.25, 0.125, 0.125]` with `p=0.75`: the sums before each word are
# 0, 0.5, 0.75, 0.875. The first two are `< 0.75`, so the result is `[2/3, 1/3, 0, 0]`.
# With `p=0.5` only the first word is kept (the sum before the second word is 0.5, not
# `< 0.5`).
# %% solution id=top_p
def top_p_filter(probs, p):
    """Keep the most likely words until their total reaches p, renormalised: (V,) -> (V,)."""
    ### BEGIN SOLUTION
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    probs = np.asarray(probs, dtype=np.float64)  # (V,)
    order = np.argsort(-probs, kind="stable")  # ids, most likely first
    before = np.cumsum(probs[order]) - probs[order]  # total of the words before each one
    keep = order[before < p]
    kept = np.zeros_like(probs)
    kept[keep] = probs[keep]
    return kept / kept.sum()
    ### END SOLUTION
# %% tests id=test_top_p points=2
result = top_p_filter([0.5, 0.25, 0.125, 0.125], 0.75)
assert isinstance(result, np.ndarray), f"top_p_filter must return a numpy array, got {type(result)}"
assert result.shape == (4,), f"expected shape (4,), got {result.shape}"
assert result.dtype == np.float64, f"expected dtype float64, got {result.dtype}"
np.testing.assert_allclose(result, [2 / 3, 1 / 3, 0.0, 0.0], rtol=1e-12,
                           err_msg="p=0.75: the sums before the words are 0, 0.5, 0.75, 0.875;"
                                   " keep the words whose sum before is < 0.75")
result = top_p_filter([0.5, 0.25, 0.125, 0.125], 0.7)
np.testing.assert_allclose(result, [2 / 3, 1 / 3, 0.0, 0.0], rtol=1e-12,
                           err_msg="p=0.7: the second word makes the sum pass 0.7, so it is "
                                   "kept")
# %% hidden
np.testing.assert_allclose(top_p_filter([0.5, 0.25, 0.125, 0.125], 0.5), [1.0, 0, 0, 0],
                           rtol=1e-12, err_msg="p=0.5: the sum before the 2nd word is 0.5, "
                                               "not < 0.5: only the first word is kept")
np.testing.assert_allclose(top_p_filter([0.5, 0.25, 0.125, 0.125], 0.5000001),
                           [2 / 3, 1 / 3, 0, 0], rtol=1e-12,
                           err_msg="p just above 0.5 keeps two words")
np.testing.assert_allclose(top_p_filter([0.125, 0.5, 0.125, 0.25], 0.75),
                           [0.0, 2 / 3, 0.0, 1 / 3], rtol=1e-12,
                           err_msg="words must be ordered by probability, not by id")
np.testing.assert_allclose(top_p_filter([0.25, 0.5, 0.25], 0.6), [1 / 3, 2 / 3, 0.0],
                           rtol=1e-12, err_msg="tie between ids 0 and 2: id 0 comes first")
# 40 words, 24 tied at 2/64 and 16 tied at 1/64 (exact sums): ties in id order in a LONG
# vector (numpy's default argsort keeps ties in order only for short arrays).
probs = np.array([1 / 64 if i % 5 in (1, 3) else 2 / 64 for i in range(40)])
ranked = sorted(range(40), key=lambda i: (-probs[i], i))
for p in (0.5, 0.8):
    total, kept = 0.0, []
    for i in ranked:
        if total < p:
            kept.append(i)
        total += probs[i]
    expected = np.zeros(40)
    expected[kept] = probs[kept] / probs[kept].sum()
    np.testing.assert_allclose(top_p_filter(probs, p), expected, rtol=1e-12, atol=1e-15,
                               err_msg=f"40 words with ties, p={p}: equal probabilities are "
                                       "ordered by id (use a stable sort)")
np.testing.assert_allclose(top_p_filter([0.5, 0.25, 0.125, 0.125], 1.0),
                           [0.5, 0.25, 0.125, 0.125], rtol=1e-12,
                           err_msg="p=1 keeps every word")
np.testing.assert_allclose(top_p_filter([0.3, 0.7], 1e-9), [0.0, 1.0], rtol=1e-12,
                           err_msg="a tiny p keeps only the most likely word")
for bad in (0.0, 1.5, -0.2):
    try:
        top_p_filter([0.3, 0.7], bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"top_p_filter(..., p={bad}) must raise ValueError")
# %% markdown
# ## 4. Drawing one word
#
# `sample(probs, rng)` draws one id at random with the given probabilities. So that every
# correct solution gives the same ids for the same seed, use exactly this method:
# 1. Draw **exactly one** number `u = rng.random()` (uniform between 0 and 1).
# 2. Return the **first** id `i` whose cumulative probability
#    `probs[0] + ... + probs[i]` is **greater than** `u`.
#
# (`int(rng.choice(len(probs), p=probs))` does exactly this too.)
# Return a Python `int`. Use only `rng`: never `np.random.random()`.
# %% solution id=sample
def sample(probs, rng):
    """One id drawn with probabilities probs (one rng.random() draw): (V,) -> int."""
    ### BEGIN SOLUTION
    cumulative = np.cumsum(np.asarray(probs, dtype=np.float64))  # (V,)
    u = rng.random()
    return int(np.searchsorted(cumulative, u, side="right"))
    ### END SOLUTION
# %% tests id=test_sample points=2
result = sample([0.0, 1.0, 0.0], np.random.default_rng(0))
assert isinstance(result, int), f"sample must return a Python int, got {type(result)}"
assert result == 1, f"with probabilities [0, 1, 0] the only possible id is 1, got {result}"
# The prescribed method, written out: one u per draw, first cumulative probability > u.
probs = [0.2, 0.5, 0.3]
reference_rng = np.random.default_rng(7)
expected = []
for _ in range(20):
    u = reference_rng.random()
    total, chosen = 0.0, None
    for i, p in enumerate(probs):
        total += p
        if total > u:
            chosen = i
            break
    expected.append(chosen)
rng = np.random.default_rng(7)
drawn = [sample(probs, rng) for _ in range(20)]
assert drawn == expected, (f"with seed 7 the 20 draws should be {expected}, got {drawn}: "
                           "draw one u = rng.random() per call and return the first id "
                           "whose cumulative probability is > u")
# %% hidden
def global_rng_state():
    """numpy's global generator, all of it: the key array AND the position in it (one draw
    moves only the position), so any draw from it shows."""
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    return kind, keys.tobytes(), pos, has_gauss, gauss
state = global_rng_state()
probs = np.array([0.1, 0.0, 0.6, 0.0, 0.3])
rng = np.random.default_rng(2024)
drawn = [sample(probs, rng) for _ in range(200)]
assert all(isinstance(d, int) for d in drawn), "sample must return Python ints"
assert 1 not in drawn and 3 not in drawn, "an id with probability 0 must never be drawn"
assert global_rng_state() == state, "sample must not use numpy's global random generator"
reference_rng = np.random.default_rng(2024)
expected = [int(np.sum(np.cumsum(probs) <= reference_rng.random())) for _ in range(200)]
assert drawn == expected, "sample must use exactly one rng.random() per draw"
# %% markdown
# ## 5. A generation loop
#
# `generate(next_logits, prompt, n_new, rng, temperature=1.0, top_k=None, top_p=None)`
# writes `n_new` new ids after the ids of `prompt` and returns **a new list** with the
# prompt followed by the new ids (length `len(prompt) + n_new`; do not change `prompt`).
#
# `next_logits` is the "model": a function that takes the list of ids so far and returns a
# numpy array of `V` logits for the next id. At each of the `n_new` steps:
# 1. `logits = next_logits(ids)` where `ids` is the list so far.
# 2. If `temperature == 0`: choose `greedy(logits)` (no random draw at all).
# 3. Otherwise: turn `logits / temperature` into probabilities with a softmax (subtract the
#    maximum first so that large logits work); then, if `top_k` is not `None`, apply
#    `top_k_filter`; then, if `top_p` is not `None`, apply `top_p_filter` to the
#    probabilities `top_k_filter` returned (in this order: top-k first, then top-p on the
#    renormalised probabilities); then choose `sample(probs, rng)`.
# 4. Append the chosen id and go on.
#
# Use your functions above. Same seed, same text: all randomness comes from `rng`.
# %% solution id=generate
def generate(next_logits, prompt, n_new, rng, temperature=1.0, top_k=None, top_p=None):
    """Prompt ids followed by n_new chosen ids (a new list of ints)."""
    ### BEGIN SOLUTION
    ids = [int(i) for i in prompt]
    for _ in range(n_new):
        logits = np.asarray(next_logits(list(ids)), dtype=np.float64)  # (V,)
        if temperature == 0:
            ids.append(greedy(logits))
            continue
        z = logits / temperature
        e = np.exp(z - z.max())
        probs = e / e.sum()  # (V,)
        if top_k is not None:
            probs = top_k_filter(probs, top_k)
        if top_p is not None:
            probs = top_p_filter(probs, top_p)
        ids.append(sample(probs, rng))
    return ids
    ### END SOLUTION
# %% tests id=test_generate_greedy points=1
# A tiny "model" with 4 words: the logits of the next word depend only on the last word.
TABLE = np.array([[0.0, 3.0, 1.0, 0.5],    # after word 0, word 1 is the most likely
                  [0.2, 0.0, 2.5, 1.0],    # after word 1, word 2
                  [1.5, 0.3, 0.0, 2.0],    # after word 2, word 3
                  [2.2, 0.1, 0.4, 0.0]])   # after word 3, word 0
def toy_model(ids):
    return TABLE[ids[-1]]
prompt = [0]
rng = np.random.default_rng(0)
rng_state = rng.bit_generator.state
result = generate(toy_model, prompt, 5, rng, temperature=0)
assert isinstance(result, list), f"generate must return a list, got {type(result)}"
assert result == [0, 1, 2, 3, 0, 1], f"greedy generation should give [0, 1, 2, 3, 0, 1], got {result}"
assert all(isinstance(i, int) for i in result), "the ids must be Python ints"
assert prompt == [0], "generate must not change the prompt list"
assert rng.bit_generator.state == rng_state, "temperature 0 must not draw random numbers"
# %% hidden
TABLE = np.array([[0.0, 3.0, 1.0, 0.5], [0.2, 0.0, 2.5, 1.0],
                  [1.5, 0.3, 0.0, 2.0], [2.2, 0.1, 0.4, 0.0]])
def toy_model(ids):
    return TABLE[ids[-1]]
assert generate(toy_model, [2, 3], 0, np.random.default_rng(0), temperature=0) == [2, 3], \
    "n_new=0 returns the prompt"
assert generate(toy_model, [1], 2, np.random.default_rng(0), temperature=0) == [1, 2, 3], \
    "generate must add exactly n_new ids"
seen = []
def recording_model(ids):
    seen.append(list(ids))
    return TABLE[ids[-1]] + 1000.0  # large logits
assert generate(recording_model, [3], 2, np.random.default_rng(0), temperature=0) == [3, 0, 1]
assert seen == [[3], [3, 0]], f"the model must see the ids so far at each step, saw {seen}"
# %% tests id=test_generate_sampling points=2
TABLE = np.array([[0.0, 3.0, 1.0, 0.5],
                  [0.2, 0.0, 2.5, 1.0],
                  [1.5, 0.3, 0.0, 2.0],
                  [2.2, 0.1, 0.4, 0.0]])
def toy_model(ids):
    return TABLE[ids[-1]]
first = generate(toy_model, [0], 12, np.random.default_rng(42))
again = generate(toy_model, [0], 12, np.random.default_rng(42))
assert len(first) == 13, f"prompt of 1 id + 12 new ids = 13 ids, got {len(first)}"
assert all(isinstance(i, int) and 0 <= i < 4 for i in first), f"ids must be ints in 0..3: {first}"
assert first == again, "the same seed must give the same ids (use only rng)"
# The prescribed steps, written out with plain Python (softmax, then one draw per step).
reference_rng = np.random.default_rng(42)
expected = [0]
for _ in range(12):
    weights = [np.exp(v) for v in TABLE[expected[-1]]]
    probs = [w / sum(weights) for w in weights]
    u, total = reference_rng.random(), 0.0
    for i, p in enumerate(probs):
        total += p
        if total > u:
            break
    expected.append(i)
assert first == expected, f"with seed 42 and temperature 1 expected {expected}, got {first}"
# %% hidden
TABLE = np.array([[0.0, 3.0, 1.0, 0.5], [0.2, 0.0, 2.5, 1.0],
                  [1.5, 0.3, 0.0, 2.0], [2.2, 0.1, 0.4, 0.0]])
def toy_model(ids):
    return TABLE[ids[-1]]
def reference(prompt, n_new, seed, temperature):
    r = np.random.default_rng(seed)
    out = list(prompt)
    for _ in range(n_new):
        z = TABLE[out[-1]] / temperature
        cdf = np.cumsum(np.exp(z - np.log(np.sum(np.exp(z)))))
        out.append(int(np.sum(cdf <= r.random())))
    return out
def global_rng_state():
    kind, keys, pos, has_gauss, gauss = np.random.get_state()    # all of it (see above)
    return kind, keys.tobytes(), pos, has_gauss, gauss
global_state = global_rng_state()
for temperature in (0.5, 2.0):
    got = generate(toy_model, [1, 2], 30, np.random.default_rng(5), temperature=temperature)
    want = reference([1, 2], 30, 5, temperature)
    assert got == want, f"temperature {temperature}: divide the logits by the temperature " \
                        f"before the softmax"
assert global_rng_state() == global_state, \
    "generate must not use numpy's global random generator"
big = lambda ids: TABLE[ids[-1]] * 400.0  # logits in the hundreds: needs a stable softmax
got = generate(big, [0], 5, np.random.default_rng(1))
assert got == [0, 1, 2, 3, 0, 1], f"with very large logits sampling is nearly greedy, got {got}"
# Adding 1000 to every logit changes no probability, so the same seed gives the same ids
# (an overflow would give nan probabilities and a different draw).
shifted = lambda ids: TABLE[ids[-1]] + 1000.0
got = generate(shifted, [1, 2], 30, np.random.default_rng(5))
assert got == reference([1, 2], 30, 5, 1.0), "logits + 1000 must give the same ids as the " \
    "logits: subtract the maximum before np.exp"
# %% tests id=test_generate_filters points=1
TABLE = np.array([[0.0, 3.0, 1.0, 0.5],
                  [0.2, 0.0, 2.5, 1.0],
                  [1.5, 0.3, 0.0, 2.0],
                  [2.2, 0.1, 0.4, 0.0]])
def toy_model(ids):
    return TABLE[ids[-1]]
# With top_k=1 only the most likely word survives, so sampling gives the greedy text.
result = generate(toy_model, [0], 5, np.random.default_rng(3), top_k=1)
assert result == [0, 1, 2, 3, 0, 1], f"top_k=1 must behave like greedy, got {result}"
# %% hidden
TABLE = np.array([[0.0, 3.0, 1.0, 0.5], [0.2, 0.0, 2.5, 1.0],
                  [1.5, 0.3, 0.0, 2.0], [2.2, 0.1, 0.4, 0.0]])
def toy_model(ids):
    return TABLE[ids[-1]]
def reference(prompt, n_new, seed, top_k, top_p):
    r = np.random.default_rng(seed)
    out = list(prompt)
    for _ in range(n_new):
        z = TABLE[out[-1]]
        probs = np.exp(z) / np.sum(np.exp(z))
        ranked = sorted(range(4), key=lambda i: (-probs[i], i))
        keep = set(ranked)
        if top_k is not None:
            keep = {i for i in keep if probs[i] >= probs[ranked[top_k - 1]]}
        if top_p is not None:
            kept_probs = {i: probs[i] / sum(probs[j] for j in keep) for i in keep}
            total, nucleus = 0.0, set()
            for i in [i for i in ranked if i in keep]:
                if total < top_p:
                    nucleus.add(i)
                total += kept_probs[i]
            keep = nucleus
        weights = [probs[i] if i in keep else 0.0 for i in range(4)]
        u, total = r.random(), 0.0
        for i in range(4):
            total += weights[i] / sum(weights)
            if total > u:
                break
        out.append(i)
    return out
for top_k, top_p in ((2, None), (None, 0.8), (3, 0.9)):
    got = generate(toy_model, [0], 25, np.random.default_rng(11), top_k=top_k, top_p=top_p)
    want = reference([0], 25, 11, top_k, top_p)
    assert got == want, f"top_k={top_k}, top_p={top_p}: apply softmax, then top-k, then " \
                        f"top-p, then one draw"
# The order matters: probabilities [0.4, 0.3, 0.2, 0.1], top_k=3 renormalises the first three
# to [4/9, 3/9, 2/9]; top-p 0.75 then keeps two words (4/9 + 3/9 >= 0.75), so word 2 never
# comes. Top-p first would keep three words (0.4 + 0.3 < 0.75) and word 2 would come.
fixed = lambda ids: np.log(np.array([0.4, 0.3, 0.2, 0.1]))
got = generate(fixed, [0], 40, np.random.default_rng(4), top_k=3, top_p=0.75)
assert 2 not in got[1:] and 3 not in got[1:], \
    "top_k=3, top_p=0.75 on [0.4, 0.3, 0.2, 0.1]: apply top-k FIRST, then top-p on the " \
    "renormalised probabilities (only words 0 and 1 can come)"
assert {0, 1} <= set(got[1:]), "top_k=3, top_p=0.75: words 0 and 1 are both possible"
# %% markdown
# ## Self-check
#
# Run the cell below after all the others. It tells you which visible tests passed. Hidden
# tests are not part of it: they run when your notebook is graded.
# In JupyterLab you can also click **Validate** in the toolbar (or run
# `nbgrader validate sampling.ipynb`).
