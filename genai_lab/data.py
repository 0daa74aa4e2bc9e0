"""Stage 1, data collection: real text, a train/validation split and corpus statistics.

- :func:`load_text` reads a .txt file or a folder of .txt files into a list of samples.
- :func:`stdlib_docstrings` gives real English available offline on every Python install:
  sentences from the docstrings of a fixed list of standard-library modules.
- :func:`train_val_split` splits samples into disjoint training and validation sets.
- :func:`corpus_stats` measures a corpus (lengths, vocabulary, most common words) and
  renders as HTML in Jupyter, as text in a terminal and as JSON-ready ``to_dict()``.

Words are counted with the course's word rule (lowercase runs of letters, digits and
apostrophes; punctuation is not a word).
"""
from __future__ import annotations

import html
import importlib
import inspect
import os
import re
import statistics
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genai_lab.checks import check_float, check_int, check_str
from genai_lab.text import is_word, split_words

# A sentence ends at ".", "!" or "?" (optionally followed by a closing quote or bracket),
# then whitespace, then something that can start a sentence (see _starts_sentence). So
# "e.g. the" and "3.14" are not split, "Mr. Smith" is (documented).
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_UNITS = ("sentence", "paragraph", "line")


def _split_text(text: str, unit: str) -> list[str]:
    """Split ``text`` into samples: lines, paragraphs or sentences (whitespace collapsed)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if unit == "line":
        return [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    paragraphs = [" ".join(p.split()) for p in _BLANK_LINE.split(text) if p.strip()]
    if unit == "paragraph":
        return paragraphs
    sentences = []
    for paragraph in paragraphs:
        sentences.extend(s.strip() for s in _split_sentences(paragraph) if s.strip())
    return sentences


def _starts_sentence(char: str) -> bool:
    """A capital letter (any alphabet), a digit, a quote or an opening bracket."""
    return char.isupper() or char.isdigit() or char in "\"'(["


def _split_sentences(paragraph: str) -> list[str]:
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        if match.end() < len(paragraph) and _starts_sentence(paragraph[match.end()]):
            pieces.append(paragraph[start:match.start() + len(match.group(0).rstrip())])
            start = match.end()
    pieces.append(paragraph[start:])
    return pieces


def _read_txt(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise OSError(f"cannot read {str(path)!r}: {err.strerror or err}") from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(f"{str(path)!r} is not UTF-8 text: byte {err.start} is "
                         f"{raw[err.start:err.start + 1]!r} ({err.reason}); save it as "
                         f"UTF-8") from err
    if not text.strip():
        raise ValueError(f"{str(path)!r} is empty (no text besides whitespace)")
    return text


def _is_visible_txt(path: Path, root: Path) -> bool:
    """A .txt file (or broken link to one) that is not hidden, and not in a hidden folder."""
    parts = path.relative_to(root).parts
    return (path.suffix.lower() == ".txt" and not path.is_dir()
            and not any(part.startswith(".") for part in parts))


def load_text(path: str | os.PathLike, unit: str = "sentence") -> list[str]:
    """Read a UTF-8 .txt file, or every .txt file under a folder, into a list of samples.

    A folder is searched recursively for files ending in ".txt" (any case), skipping hidden
    files and folders (names starting with ".", such as ``.ipynb_checkpoints``); they are
    read in sorted order of their path inside the folder, so the result is the same on every
    machine. A single file is read whatever its name. Each file is cut into samples by
    ``unit``:

    - ``"sentence"`` (default): paragraphs are separated by blank lines, the lines of a
      paragraph are joined with single spaces, and a paragraph is cut after ".", "!" or "?"
      when whitespace and a capital letter, digit, quote or bracket follow (so "Mr. Smith"
      is cut, "e.g. the" is not);
    - ``"paragraph"``: blocks separated by blank lines, whitespace collapsed;
    - ``"line"``: every non-blank line, whitespace collapsed.

    Raises ``FileNotFoundError`` for a missing path, ``ValueError`` for a folder without
    .txt files, an empty file or a file that is not UTF-8, ``OSError`` for an unreadable file.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path, got {type(path).__name__}")
    check_str("unit", unit)
    if unit not in _UNITS:
        raise ValueError(f"unit must be one of {_UNITS}, got {unit!r}")
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"no such file or folder: {str(root)!r}")
    if root.is_dir():
        files = sorted((p for p in root.rglob("*") if _is_visible_txt(p, root)),
                       key=lambda p: p.relative_to(root).parts)
        if not files:
            raise ValueError(f"folder {str(root)!r} contains no .txt files")
    else:
        files = [root]
    samples: list[str] = []
    for file in files:
        samples.extend(_split_text(_read_txt(file), unit))
    return samples


# Standard-library modules whose docstrings are prose (fixed order; a module missing from a
# minimal Python install is skipped).
_STDLIB_MODULES = (
    "abc", "argparse", "base64", "bisect", "calendar", "cmd", "codecs", "collections",
    "configparser", "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal",
    "difflib", "email.message", "enum", "fnmatch", "fractions", "ftplib", "functools",
    "getopt", "gettext", "glob", "gzip", "hashlib", "heapq", "html", "http.client",
    "inspect", "io", "ipaddress", "itertools", "json", "locale", "logging", "mailbox", "math",
    "mimetypes", "numbers", "operator", "optparse", "os", "pathlib", "pickle", "platform",
    "pprint", "queue", "random", "re", "reprlib", "sched", "secrets", "shelve", "shlex",
    "shutil", "smtplib", "socketserver", "statistics", "string", "subprocess", "tarfile",
    "tempfile", "textwrap", "threading", "timeit", "traceback", "types", "unittest",
    "urllib.parse", "uuid", "warnings", "weakref", "xml.dom.minidom", "zipfile",
)
# A clean sentence: a capital, then only letters, spaces, commas, semicolons, apostrophes
# and hyphens, then one final period.
_CLEAN_SENTENCE = re.compile(r"[A-Z][A-Za-z ,;'\-]*[a-z]\.")


def _prose_paragraphs(doc: str) -> list[str]:
    """The prose paragraphs of a cleaned docstring: no examples, code or field lists."""
    keep = []
    for block in _BLANK_LINE.split(doc):
        lines = block.split("\n")
        if any(ln.startswith((" ", "\t", ">>>", "...", ":", "..")) for ln in lines):
            continue  # indented code, doctests, reST directives and field lists
        if block.rstrip().endswith("::"):
            continue
        keep.append(" ".join(block.split()))
    return keep


def _docstrings(module_name: str) -> list[str]:
    """Module docstring, then docstrings of its public classes, their methods and functions."""
    with warnings.catch_warnings():  # a deprecated module or attribute must not print
        warnings.simplefilter("ignore")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return []
        return _module_docstrings(module)


def _module_docstrings(module: object) -> list[str]:
    docs = [inspect.getdoc(module) or ""]
    for name in sorted(vars(module)):
        obj = vars(module)[name]
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj)):
            continue
        docs.append(inspect.getdoc(obj) or "")
        if inspect.isclass(obj):
            for attr in sorted(vars(obj)):
                if not attr.startswith("_") and callable(vars(obj)[attr]):
                    docs.append(inspect.getdoc(vars(obj)[attr]) or "")
    return docs


def stdlib_docstrings(limit: int | None = None) -> list[str]:
    """Clean English sentences from standard-library docstrings, offline, in a fixed order.

    Modules are read in a fixed order; within a module: its docstring, then its public
    classes (with their public methods) and functions in name order. Doctests, indented code
    and reST field lists are dropped; a sentence is kept when it starts with a capital,
    contains only letters, spaces, commas, semicolons, apostrophes and hyphens, ends with
    "." and has at least 4 words. Duplicates are dropped (first one kept). The text depends
    on the Python version, so the list differs between Python releases but not between
    runs. ``limit`` keeps the first ``limit`` sentences (all of them if ``None``).
    """
    if limit is not None:
        limit = check_int("limit", limit, minimum=1)
    seen: set[str] = set()
    sentences: list[str] = []
    for module_name in _STDLIB_MODULES:
        for doc in _docstrings(module_name):
            for paragraph in _prose_paragraphs(doc):
                for sentence in _split_sentences(paragraph):
                    sentence = sentence.strip()
                    if (sentence not in seen and _CLEAN_SENTENCE.fullmatch(sentence)
                            and len(sentence.split()) >= 4):
                        seen.add(sentence)
                        sentences.append(sentence)
                        if limit is not None and len(sentences) == limit:
                            return sentences
    return sentences


def train_val_split(samples: Sequence, val_fraction: float = 0.1,
                    seed: int = 0) -> tuple[list, list]:
    """Split ``samples`` into ``(train, val)`` at random, reproducibly.

    ``round(len(samples) * val_fraction)`` samples (at least 1) go to validation, the rest to
    training; both keep the original order. The split is by position, so together they hold
    every sample exactly once (a duplicated text can land on both sides). Needs at least 2
    samples and leaves at least one on each side.
    """
    if isinstance(samples, (str, bytes)) or not isinstance(samples, Sequence):
        raise TypeError(f"samples must be a list of samples, got {type(samples).__name__}")
    val_fraction = check_float("val_fraction", val_fraction, minimum=0.0, maximum=1.0,
                               min_inclusive=False, max_inclusive=False)
    seed = check_int("seed", seed, minimum=0)
    n = len(samples)
    if n == 0:
        raise ValueError("samples is empty: nothing to split")
    n_val = max(1, round(n * val_fraction))
    if n < 2 or n_val >= n:
        raise ValueError(f"too few samples ({n}) for val_fraction={val_fraction}: both the "
                         f"training and the validation set need at least one sample")
    order = np.random.default_rng(seed).permutation(n)  # (n,)
    is_val = np.zeros(n, dtype=bool)  # (n,)
    is_val[order[:n_val]] = True
    train = [samples[i] for i in range(n) if not is_val[i]]
    val = [samples[i] for i in range(n) if is_val[i]]
    return train, val


@dataclass(frozen=True)
class CorpusStats:
    """Statistics of a list of text samples; lengths are in words (punctuation excluded)."""

    n_samples: int  # number of samples
    n_words: int  # total number of words
    min_length: int  # shortest sample, in words
    mean_length: float  # mean sample length, in words
    median_length: float  # median sample length, in words
    max_length: int  # longest sample, in words
    length_histogram: tuple[tuple[int, int], ...]  # (length, number of samples), by length
    vocabulary_size: int  # number of distinct words
    most_common: tuple[tuple[str, int], ...]  # (word, count), most frequent first

    def to_dict(self) -> dict:
        """JSON-ready dict (histogram as {length: count}, most common as [word, count])."""
        return {"n_samples": self.n_samples, "n_words": self.n_words,
                "min_length": self.min_length, "mean_length": self.mean_length,
                "median_length": self.median_length, "max_length": self.max_length,
                "length_histogram": {str(k): v for k, v in self.length_histogram},
                "vocabulary_size": self.vocabulary_size,
                "most_common": [[w, c] for w, c in self.most_common]}

    def _summary(self) -> list[tuple[str, str]]:
        return [("samples", f"{self.n_samples:,}"), ("words", f"{self.n_words:,}"),
                ("length (words): min / mean / median / max",
                 f"{self.min_length} / {self.mean_length:.2f} / {self.median_length:g} / "
                 f"{self.max_length}"),
                ("vocabulary (distinct words)", f"{self.vocabulary_size:,}")]

    def __str__(self) -> str:
        lines = [f"{name}: {value}" for name, value in self._summary()]
        top = max((c for _, c in self.length_histogram), default=1)
        lines.append("length histogram (words: samples):")
        for length, count in self.length_histogram:
            lines.append(f"  {length:>4}: {'#' * max(1, round(30 * count / top)):<30} {count}")
        lines.append("most common words: " + ", ".join(f"{w} ({c})" for w, c in
                                                       self.most_common))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(f"<tr><th style='text-align:left'>{esc(n)}</th><td>{esc(v)}</td></tr>"
                       for n, v in self._summary())
        top = max((c for _, c in self.length_histogram), default=1)
        bars = "".join(
            f"<tr><td>{length}</td><td><div style='background:#4c72b0;height:0.8em;"
            f"width:{max(1, round(200 * count / top))}px'></div></td><td>{count}</td></tr>"
            for length, count in self.length_histogram)
        words = ", ".join(f"<code>{esc(w)}</code> ({c})" for w, c in self.most_common)
        return (f"<div class='genai-corpus-stats'><table>{rows}</table>"
                f"<p><b>Length histogram</b> (words: samples)</p><table>{bars}</table>"
                f"<p><b>Most common words:</b> {words}</p></div>")


def corpus_stats(samples: Sequence[str], top_k: int = 10) -> CorpusStats:
    """Measure ``samples`` (a non-empty list of str): lengths, vocabulary, ``top_k`` words."""
    if isinstance(samples, (str, bytes)) or not isinstance(samples, Sequence):
        raise TypeError(f"samples must be a list of str, got {type(samples).__name__}")
    if len(samples) == 0:
        raise ValueError("samples is empty: no statistics to compute")
    top_k = check_int("top_k", top_k, minimum=1)
    counts: Counter[str] = Counter()
    lengths = []
    for i, sample in enumerate(samples):
        if not isinstance(sample, str):
            raise TypeError(f"samples[{i}] must be a str, got {type(sample).__name__}")
        words = [t for t in split_words(sample) if is_word(t)]
        counts.update(words)
        lengths.append(len(words))
    histogram = tuple(sorted(Counter(lengths).items()))
    return CorpusStats(n_samples=len(samples), n_words=sum(lengths), min_length=min(lengths),
                       mean_length=float(np.mean(lengths)),
                       median_length=float(statistics.median(lengths)),
                       max_length=max(lengths), length_histogram=histogram,
                       vocabulary_size=len(counts),
                       most_common=tuple(counts.most_common(top_k)))
