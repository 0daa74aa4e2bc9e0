"""Tests of genai_lab.data: loading text, stdlib docstrings, the split and corpus statistics."""
from __future__ import annotations

import json
import os
import re

import pytest

from genai_lab.data import CorpusStats, corpus_stats, load_text, stdlib_docstrings, \
    train_val_split


# ---------------------------------------------------------------- load_text
def test_load_text_splits_a_file_into_sentences(tmp_path):
    f = tmp_path / "story.txt"
    f.write_text("The sun rises.   It shines\nbrightly!  Does it set? Yes, e.g. in the west.\n"
                 "\n\nA new paragraph starts here.\n", encoding="utf-8")
    assert load_text(f) == ["The sun rises.", "It shines brightly!", "Does it set?",
                            "Yes, e.g. in the west.", "A new paragraph starts here."]
    assert load_text(str(f), unit="paragraph") == [
        "The sun rises. It shines brightly! Does it set? Yes, e.g. in the west.",
        "A new paragraph starts here."]
    assert load_text(f, unit="line") == ["The sun rises. It shines",
                                         "brightly! Does it set? Yes, e.g. in the west.",
                                         "A new paragraph starts here."]


def test_load_text_handles_bom_crlf_and_non_ascii(tmp_path):
    f = tmp_path / "w.txt"
    f.write_bytes("\ufeffCafé au lait.\r\nÉté chaud.\r\n".encode("utf-8"))
    assert load_text(f) == ["Café au lait.", "Été chaud."]


def test_load_text_reads_a_folder_recursively_in_sorted_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("Second file.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First file.", encoding="utf-8")
    (tmp_path / "sub" / "c.txt").write_text("Nested file.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("Not text to read.", encoding="utf-8")
    (tmp_path / "dir.txt").mkdir()  # a folder named like a text file is not a file to read
    (tmp_path / "Upper.TXT").write_text("Upper case suffix.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden file.", encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.txt").write_text("Copy.", encoding="utf-8")
    assert load_text(tmp_path) == ["Upper case suffix.", "First file.", "Second file.",
                                   "Nested file."]


def test_load_text_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        load_text(tmp_path / "nope.txt")


def test_load_text_folder_without_txt_files(tmp_path):
    (tmp_path / "readme.md").write_text("# title", encoding="utf-8")
    with pytest.raises(ValueError, match="no .txt files"):
        load_text(tmp_path)


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_load_text_empty_file(tmp_path, content):
    (tmp_path / "good.txt").write_text("Some text.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(content)
    with pytest.raises(ValueError, match="empty.txt.*empty"):
        load_text(tmp_path)
    with pytest.raises(ValueError, match="empty"):
        load_text(tmp_path / "empty.txt")


def test_load_text_undecodable_file(tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("Caf\u00e9 cr\u00e8me.".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1.txt.*not UTF-8.*byte 3"):
        load_text(f)


def test_load_text_unreadable_file(tmp_path):
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    os.symlink(tmp_path / "missing-target", tmp_path / "broken.txt")
    with pytest.raises(OSError, match="cannot read.*broken.txt"):
        load_text(tmp_path)


def test_load_text_argument_checks(tmp_path):
    with pytest.raises(TypeError, match="path"):
        load_text(42)
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    with pytest.raises(ValueError, match="unit"):
        load_text(tmp_path, unit="word")


# ---------------------------------------------------------------- stdlib_docstrings
@pytest.fixture(scope="module")
def docstrings() -> list[str]:
    return stdlib_docstrings()


def test_stdlib_docstrings_are_clean_sentences(docstrings):
    assert len(docstrings) > 500
    assert len(set(docstrings)) == len(docstrings)
    for s in docstrings:
        assert re.fullmatch(r"[A-Z][A-Za-z ,;'\-]*[a-z]\.", s), s
        assert len(s.split()) >= 4
        assert ">>>" not in s and "  " not in s


def test_stdlib_docstrings_are_deterministic_and_limited(docstrings):
    assert stdlib_docstrings(limit=25) == docstrings[:25]
    assert stdlib_docstrings(limit=len(docstrings) + 100) == docstrings
    with pytest.raises(ValueError, match="limit"):
        stdlib_docstrings(limit=0)
    with pytest.raises(TypeError, match="limit"):
        stdlib_docstrings(limit="5")


# ---------------------------------------------------------------- train_val_split
def test_train_val_split_is_disjoint_complete_and_ordered():
    samples = [f"sentence {i}" for i in range(100)]
    train, val = train_val_split(samples, val_fraction=0.1, seed=3)
    assert len(val) == 10 and len(train) == 90
    assert set(train).isdisjoint(val)
    assert sorted(train + val) == sorted(samples)
    assert train == sorted(train, key=samples.index)  # original order kept
    assert val == sorted(val, key=samples.index)


def test_train_val_split_is_seeded():
    samples = list(range(50))
    assert train_val_split(samples, 0.2, seed=1) == train_val_split(samples, 0.2, seed=1)
    assert train_val_split(samples, 0.2, seed=1) != train_val_split(samples, 0.2, seed=2)


def test_train_val_split_small_inputs():
    train, val = train_val_split(["a", "b"], val_fraction=0.01)
    assert len(train) == 1 and len(val) == 1  # at least one validation sample
    with pytest.raises(ValueError, match="empty"):
        train_val_split([])
    with pytest.raises(ValueError, match="too few"):
        train_val_split(["only one"])
    with pytest.raises(ValueError, match="too few"):
        train_val_split(["a", "b"], val_fraction=0.9)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_train_val_split_rejects_fractions_outside_0_1(fraction):
    with pytest.raises(ValueError, match="val_fraction"):
        train_val_split(["a", "b", "c"], val_fraction=fraction)


def test_train_val_split_type_errors():
    with pytest.raises(TypeError, match="samples"):
        train_val_split("not a list")
    with pytest.raises(TypeError, match="val_fraction"):
        train_val_split(["a", "b"], val_fraction="0.5")
    with pytest.raises(TypeError, match="seed"):
        train_val_split(["a", "b"], seed=1.5)


# ---------------------------------------------------------------- corpus_stats
def test_corpus_stats_counts_words():
    samples = ["The cat sat.", "A dog ran far away!", "Hi", "the CAT, the cat's toy."]
    words = [["the", "cat", "sat"], ["a", "dog", "ran", "far", "away"], ["hi"],
             ["the", "cat", "the", "cat's", "toy"]]
    lengths = [len(w) for w in words]
    stats = corpus_stats(samples, top_k=2)
    assert isinstance(stats, CorpusStats)
    assert stats.n_samples == 4 and stats.n_words == sum(lengths)
    assert (stats.min_length, stats.max_length) == (min(lengths), max(lengths))
    assert stats.mean_length == pytest.approx(sum(lengths) / 4)
    assert stats.median_length == pytest.approx(sorted(lengths)[1] / 2 + sorted(lengths)[2] / 2)
    assert dict(stats.length_histogram) == {1: 1, 3: 1, 5: 2}
    assert stats.vocabulary_size == len({w for ws in words for w in ws})
    assert stats.most_common == (("the", 3), ("cat", 2))


def test_corpus_stats_renderings():
    stats = corpus_stats(["The sun rises in the east.", "The moon rises.", "Stars shine."])
    d = stats.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["n_samples"] == 3 and d["length_histogram"] == {"2": 1, "3": 1, "6": 1}
    text = str(stats)
    assert "samples: 3" in text and "the (3)" in text
    page = stats._repr_html_()
    assert page.count("<table>") == 2 and "<code>the</code> (3)" in page


def test_corpus_stats_errors():
    with pytest.raises(ValueError, match="empty"):
        corpus_stats([])
    with pytest.raises(TypeError, match="samples"):
        corpus_stats("a string")
    with pytest.raises(TypeError, match=r"samples\[1\]"):
        corpus_stats(["ok", 3])
    with pytest.raises(ValueError, match="top_k"):
        corpus_stats(["ok"], top_k=0)
