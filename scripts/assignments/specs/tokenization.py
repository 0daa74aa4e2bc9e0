# Spec of the nbgrader assignment "tokenization"; build with: python scripts/assignments/build.py
# %% markdown
# # Assignment 1: from text to token ids
#
# A language model reads numbers, not letters. **Tokenization** turns a text into a list
# of ids: clean the text, split it into tokens (here: words and punctuation), give every
# token of a **vocabulary** an id, and add **special tokens**: `[CLS]` marks the start,
# `[SEP]` the end, `[PAD]` fills up short texts so that every list has the same length,
# `[UNK]` stands for a word that is not in the vocabulary.
#
# Read first: the book chapter *Preprocessing*,
# <https://genai-lab.github.io/genai-lab/chapters/02_preprocessing.html>
# (also in the repository as `chapters/02_preprocessing.md`, which `make lab` opens as a
# notebook).
#
# **How this works.** Write your code where it says `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line). Under each function a read-only cell tests it. The
# tests you can see are a self-check; **more tests are hidden** and run when your notebook
# is graded, so follow the rules exactly.
#
# **Rules.** Use plain Python (numpy is allowed). Do not use `genai_lab` (the course
# package): during grading it is switched off, and a function that calls it fails its
# tests.
# %% code id=setup
import numpy as np

# The special tokens and their ids: always the first four entries of a vocabulary.
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]  # ids 0, 1, 2, 3
# %% markdown
# ## 1. Cleaning the text
#
# `clean_text(text)` returns a new string:
# 1. lowercase everything;
# 2. each of the four punctuation marks `.` `,` `!` `?` becomes a separate token: put a
#    space before and after it;
# 3. remove every other character that is not a letter `a`-`z`, a digit `0`-`9` or
#    whitespace (so `don't` becomes `dont` and `#1` becomes `1`). Only these 36 characters
#    are kept: accented letters such as `é`, letters of other alphabets, `_` and digits
#    such as `²` are removed too (careful: `str.isalnum()` and the regular expression `\w`
#    accept them);
# 4. replace every run of whitespace (spaces, tabs, newlines) by one space, and remove
#    spaces at the start and the end.
#
# Example: `"Hello,   World!"` becomes `"hello , world !"`.
# %% solution id=clean_text
def clean_text(text):
    """Lowercase, separate . , ! ?, drop other symbols, single spaces: str -> str."""
    ### BEGIN SOLUTION
    kept = []
    for ch in text.lower():
        if ch in ".,!?":
            kept.append(f" {ch} ")
        elif ("a" <= ch <= "z") or ("0" <= ch <= "9"):
            kept.append(ch)
        elif ch.isspace():
            kept.append(" ")
    return " ".join("".join(kept).split())
    ### END SOLUTION
# %% tests id=test_clean_text points=2
result = clean_text("Hello,   World!")
assert isinstance(result, str), f"clean_text must return a str, got {type(result)}"
assert result == "hello , world !", f"expected 'hello , world !', got {result!r}"
result = clean_text("  Many\tspaces\nand LINES  ")
assert result == "many spaces and lines", f"expected 'many spaces and lines', got {result!r}"
# %% hidden
assert clean_text("Don't stop.") == "dont stop .", "remove the apostrophe, separate the '.'"
assert clean_text("#1 rule: (be kind)") == "1 rule be kind", "remove # : ( ) but keep digits"
assert clean_text("Wait...what?!") == "wait . . . what ? !", "each mark is its own token"
assert clean_text("") == "", "an empty text stays empty"
assert clean_text(" \t\n ") == "", "only whitespace gives an empty string"
assert clean_text("A-B") == "ab", "a hyphen is removed, not replaced by a space"
assert clean_text("Naïve café") == "nave caf", "accented letters are not a-z: removed"
assert clean_text("snake_case x² Ωmega") == "snakecase x mega", \
    "only a-z and 0-9 are kept: _ and ² and Ω are removed"
# %% markdown
# ## 2. Splitting into tokens
#
# `tokenize(text)` returns the list of tokens of `clean_text(text)`: the pieces between the
# spaces. An empty text gives an empty list `[]` (careful: `"".split(" ")` is `[""]`).
# %% solution id=tokenize
def tokenize(text):
    """Tokens of the cleaned text: str -> list[str]."""
    ### BEGIN SOLUTION
    return clean_text(text).split()
    ### END SOLUTION
# %% tests id=test_tokenize points=1
result = tokenize("Hi! How are you?")
assert isinstance(result, list), f"tokenize must return a list, got {type(result)}"
assert result == ["hi", "!", "how", "are", "you", "?"], f"got {result}"
# %% hidden
assert tokenize("") == [], f"tokenize('') must be [], got {tokenize('')}"
assert tokenize("  ?? ") == ["?", "?"], "two question marks are two tokens"
assert tokenize("It's  5 o'clock.") == ["its", "5", "oclock", "."]
# %% markdown
# ## 3. Building the vocabulary
#
# `build_vocab(texts, min_count=1)` returns a `dict` from token to id:
# * ids 0, 1, 2, 3 are the special tokens `"[PAD]"`, `"[UNK]"`, `"[CLS]"`, `"[SEP]"`, in
#   this order (the list `SPECIAL_TOKENS` above);
# * then every token of the texts (as given by `tokenize`) that occurs at least `min_count`
#   times **in total over all the texts** (a token that occurs twice in one text and once in
#   another has count 3, also for `min_count`), with the next ids 4, 5, 6, ... in this order:
#   the most frequent token first; tokens with the same count in **alphabetical** order.
#
# Example: `["the dog sat", "the cat sat", "the end"]`: `the` occurs 3 times, `sat` 2,
# `cat`, `dog` and `end` once, so the vocabulary is `[PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3,
# the 4, sat 5, cat 6, dog 7, end 8`.
# %% solution id=build_vocab
def build_vocab(texts, min_count=1):
    """Token -> id: the special tokens, then frequent tokens (count desc, then a-z)."""
    ### BEGIN SOLUTION
    counts = {}
    for text in texts:
        for token in tokenize(text):
            counts[token] = counts.get(token, 0) + 1
    frequent = [t for t, n in counts.items() if n >= min_count]
    frequent.sort(key=lambda t: (-counts[t], t))
    return {token: i for i, token in enumerate(SPECIAL_TOKENS + frequent)}
    ### END SOLUTION
# %% tests id=test_vocab_specials points=1
vocab = build_vocab(["a b"])
assert isinstance(vocab, dict), f"build_vocab must return a dict, got {type(vocab)}"
for i, token in enumerate(SPECIAL_TOKENS):
    assert vocab.get(token) == i, f"{token} must have id {i}, got {vocab.get(token)}"
# %% hidden
vocab = build_vocab([])
assert vocab == {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}, \
    f"no texts: only the four special tokens, got {vocab}"
vocab = build_vocab(["Hello hello", "world"])
assert [vocab[t] for t in SPECIAL_TOKENS] == [0, 1, 2, 3], "special tokens come first"
assert vocab == {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hello": 4, "world": 5}, \
    f"tokens are counted after cleaning (Hello = hello), got {vocab}"
# %% tests id=test_vocab_order points=2
vocab = build_vocab(["the dog sat", "the cat sat", "the end"])
expected = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
            "the": 4, "sat": 5, "cat": 6, "dog": 7, "end": 8}
assert vocab == expected, f"expected {expected}, got {vocab}"
# %% hidden
texts = ["b a c, b", "c zebra c!", "Apple b"]  # counts: b 3, c 3, a 1, "," 1, ...
vocab = build_vocab(texts)
order = sorted(vocab, key=vocab.get)
assert order == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "b", "c", "!", ",", "a", "apple",
                 "zebra"], f"order by count (over all texts), then alphabetically: {order}"
vocab = build_vocab(texts, min_count=2)
assert sorted(vocab, key=vocab.get) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "b", "c"], \
    "min_count=2 keeps only the tokens that occur at least twice"
vocab = build_vocab(["x y", "y"], min_count=3)
assert len(vocab) == 4, "min_count=3: no token occurs 3 times, only the special tokens remain"
vocab = build_vocab(["a a a", "b", "b"])
assert sorted(vocab, key=vocab.get)[4:] == ["a", "b"], \
    "a occurs 3 times (in one text), b twice (in two texts): count in total, a comes first"
vocab = build_vocab(["x y", "y"], min_count=2)
assert sorted(vocab, key=vocab.get)[4:] == ["y"], \
    "y occurs once in each of two texts: 2 in total, so min_count=2 keeps it"
vocab = build_vocab(["a a a", "b", "b"], min_count=3)
assert sorted(vocab, key=vocab.get)[4:] == ["a"], "min_count=3 keeps a (3 in total), not b"
# %% markdown
# ## 4. Encoding: ids, special tokens, unknown words, truncation and padding
#
# `encode(text, vocab, max_len)` returns a list of exactly `max_len` ids (Python `int`):
# 1. the ids of `tokenize(text)`; a token that is not in `vocab` gets the id of `"[UNK]"`;
# 2. **truncation**: if there are more than `max_len - 2` tokens, keep only the first
#    `max_len - 2` (this leaves room for the two special tokens);
# 3. put the id of `"[CLS]"` first and the id of `"[SEP]"` after the last kept token;
# 4. **padding**: if the list is shorter than `max_len`, add the id of `"[PAD]"` **at the
#    end (on the right)** until its length is `max_len`.
# * `max_len` must be at least 2 (room for `[CLS]` and `[SEP]`); otherwise raise
#   `ValueError`.
#
# Take the special ids from `vocab` (e.g. `vocab["[CLS]"]`). With the vocabulary of the
# example above, `encode("The cat flew", vocab, 6)` is `[2, 4, 6, 1, 3, 0]`:
# `[CLS] the cat [UNK] [SEP] [PAD]`.
# %% solution id=encode
def encode(text, vocab, max_len):
    """Ids of [CLS] tokens [SEP], truncated then right-padded to exactly max_len."""
    ### BEGIN SOLUTION
    if max_len < 2:
        raise ValueError(f"max_len must be at least 2, got {max_len}")
    ids = [vocab.get(token, vocab["[UNK]"]) for token in tokenize(text)]
    ids = [vocab["[CLS]"]] + ids[: max_len - 2] + [vocab["[SEP]"]]
    return ids + [vocab["[PAD]"]] * (max_len - len(ids))
    ### END SOLUTION
# %% tests id=test_encode_special_unknown points=2
VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
         "the": 4, "sat": 5, "cat": 6, "dog": 7, "end": 8}
result = encode("The cat sat", VOCAB, 5)
assert isinstance(result, list), f"encode must return a list, got {type(result)}"
assert result == [2, 4, 6, 5, 3], f"[CLS] the cat sat [SEP] is [2, 4, 6, 5, 3], got {result}"
result = encode("The cat flew", VOCAB, 5)
assert result == [2, 4, 6, 1, 3], f"an unknown word gets the id of [UNK] (1): got {result}"
# %% hidden
VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
         "the": 4, "sat": 5, "cat": 6, "dog": 7, "end": 8}
assert encode("zebras fly", VOCAB, 4) == [2, 1, 1, 3], "two unknown words"
assert encode("THE END!", VOCAB, 5) == [2, 4, 8, 1, 3], "'!' is a token, unknown here"
assert all(isinstance(i, int) for i in encode("the dog", VOCAB, 4)), "ids must be ints"
# Another vocabulary with other special ids: take them from vocab, do not type 0, 1, 2, 3.
other = {"[SEP]": 0, "[CLS]": 1, "[UNK]": 2, "[PAD]": 3, "hi": 4}
assert encode("hi you", other, 4) == [1, 4, 2, 0], "special ids come from vocab"
# %% tests id=test_encode_padding points=1
VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
         "the": 4, "sat": 5, "cat": 6, "dog": 7, "end": 8}
result = encode("the cat", VOCAB, 7)
assert len(result) == 7, f"encode must return exactly max_len=7 ids, got {len(result)}"
assert result == [2, 4, 6, 3, 0, 0, 0], \
    f"[CLS] the cat [SEP] then [PAD] on the right: expected [2, 4, 6, 3, 0, 0, 0], got {result}"
# %% hidden
VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
         "the": 4, "sat": 5, "cat": 6, "dog": 7, "end": 8}
assert encode("", VOCAB, 4) == [2, 3, 0, 0], "an empty text: [CLS] [SEP] [PAD] [PAD]"
assert encode("dog", VOCAB, 3) == [2, 7, 3], "a text that fills max_len exactly: no padding"
other = {"[SEP]": 0, "[CLS]": 1, "[UNK]": 2, "[PAD]": 3, "hi": 4}
assert encode("hi", other, 5) == [1, 4, 0, 3, 3], "the [PAD] id comes from vocab"
# %% tests id=test_encode_truncation points=2
VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
         "the": 4, "sat": 5, "cat": 6, "dog": 7, "end": 8}
result = encode("the cat sat the end", VOCAB, 5)
assert len(result) == 5, f"encode must return exactly max_len=5 ids, got {len(result)}"
assert result == [2, 4, 6, 5, 3], \
    f"keep the first max_len-2 = 3 tokens and end with [SEP]: expected [2, 4, 6, 5, 3], got {result}"
# %% hidden
VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
         "the": 4, "sat": 5, "cat": 6, "dog": 7, "end": 8}
assert encode("the cat sat", VOCAB, 2) == [2, 3], "max_len=2 keeps no token, only [CLS] [SEP]"
assert encode("the cat sat the", VOCAB, 5) == [2, 4, 6, 5, 3], "one token too many"
assert encode("the cat sat", VOCAB, 5) == [2, 4, 6, 5, 3], "exactly max_len-2 tokens: no cut"
for bad in (1, 0):
    try:
        encode("the cat", VOCAB, bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"max_len={bad} must raise ValueError (no room for [CLS] [SEP])")
# %% markdown
# ## 5. Decoding
#
# `decode(ids, vocab)` turns ids back into text: the tokens of the ids, joined by single
# spaces.
# * Skip the ids of `"[PAD]"`, `"[CLS]"` and `"[SEP]"`; keep `"[UNK]"` as the text `[UNK]`.
# * Every id must satisfy `0 <= id < len(vocab)`; otherwise raise `ValueError`.
#
# Hint: build the reverse dictionary, id to token, first.
# %% solution id=decode
def decode(ids, vocab):
    """Text of the ids without [PAD] [CLS] [SEP], tokens joined by spaces: list -> str."""
    ### BEGIN SOLUTION
    id_to_token = {i: t for t, i in vocab.items()}
    skip = {"[PAD]", "[CLS]", "[SEP]"}
    words = []
    for i in ids:
        if not 0 <= i < len(vocab):
            raise ValueError(f"id {i} is not in [0, {len(vocab)})")
        if id_to_token[i] not in skip:
            words.append(id_to_token[i])
    return " ".join(words)
    ### END SOLUTION
# %% tests id=test_decode points=2
VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
         "the": 4, "sat": 5, "cat": 6, "dog": 7, "end": 8}
result = decode([2, 4, 6, 1, 3, 0, 0], VOCAB)
assert isinstance(result, str), f"decode must return a str, got {type(result)}"
assert result == "the cat [UNK]", f"expected 'the cat [UNK]', got {result!r}"
try:
    decode([2, 9, 3], VOCAB)
except ValueError:
    pass
else:
    raise AssertionError("id 9 with a vocabulary of 9 tokens must raise ValueError")
# %% hidden
VOCAB = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3,
         "the": 4, "sat": 5, "cat": 6, "dog": 7, "end": 8}
assert decode([], VOCAB) == "", "no ids: empty text"
assert decode([8, 7, 5], VOCAB) == "end dog sat", "plain tokens, no special ids"
assert decode(np.array([2, 7, 3]), VOCAB) == "dog", "ids can be a numpy array"
try:
    decode([2, -1, 3], VOCAB)
except ValueError:
    pass
else:
    raise AssertionError("a negative id must raise ValueError")
other = {"[SEP]": 0, "[CLS]": 1, "[UNK]": 2, "[PAD]": 3, "hi": 4}
assert decode([1, 4, 2, 0, 3], other) == "hi [UNK]", "the special ids come from vocab"
# %% markdown
# ## Self-check
#
# Run the cell below after all the others. It tells you which visible tests passed. Hidden
# tests are not part of it: they run when your notebook is graded.
# In JupyterLab you can also click **Validate** in the toolbar (or run
# `nbgrader validate tokenization.ipynb`).
