"""Tests of genai_lab.tokenizer: the word-level tokenizer and its files (text helpers: test_text.py)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_lab.text import clean_text, split_words
from genai_lab.tokenizer import SPECIAL_TOKENS, TokenizerConfig, WordTokenizer
from helpers import TINY_TEXTS

TEXTS = list(TINY_TEXTS)


@pytest.fixture
def tok(tiny_tokenizer) -> WordTokenizer:
    return tiny_tokenizer  # trained on TINY_TEXTS (tests/conftest.py)


# ---- configuration and training --------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error", [
    ({"vocab_size": 4}, ValueError), ({"vocab_size": 2.0}, TypeError), ({"min_freq": 0}, ValueError),
    ({"seq_len": 1}, ValueError), ({"seq_len": -3}, ValueError), ({"seq_len": "50"}, TypeError),
])
def test_config_rejects_bad_values(kwargs, error):
    with pytest.raises(error):
        TokenizerConfig(**kwargs)


def test_constructor_rejects_non_config():
    with pytest.raises(TypeError, match="TokenizerConfig"):
        WordTokenizer({"vocab_size": 10})


def test_vocabulary_order_frequency_then_alphabetical():
    tok = WordTokenizer().train(["b a c", "b d", "c b"])  # b:3, c:2, a:1, d:1
    assert [tok.id_to_token(i) for i in range(tok.vocab_size)] == list(SPECIAL_TOKENS) + ["b", "c", "a", "d"]
    assert (tok.pad_id, tok.unk_id, tok.cls_id, tok.sep_id) == (0, 1, 2, 3)
    assert WordTokenizer().train(["b a c", "b d", "c b"]).to_dict() == tok.to_dict()  # deterministic


def test_ties_are_alphabetical_not_in_order_of_appearance():
    tok = WordTokenizer().train(["zebra yak", "xenops", "yak"])  # yak: 2, the rest: 1
    assert [tok.id_to_token(i) for i in range(4, tok.vocab_size)] == ["yak", "xenops", "zebra"]
    assert WordTokenizer().train(["xenops", "yak zebra", "yak"]).to_dict() == tok.to_dict()


def test_vocab_size_and_min_freq_limit_the_vocabulary():
    texts = ["b a c", "b d", "c b"]
    small = WordTokenizer(TokenizerConfig(vocab_size=6)).train(texts)
    assert small.vocab_size == 6 and small.token_to_id("c") == 5 and small.token_to_id("a") == small.unk_id
    frequent = WordTokenizer(TokenizerConfig(min_freq=2)).train(texts)
    assert frequent.vocab_size == len(SPECIAL_TOKENS) + 2  # only b and c appear twice


@pytest.mark.parametrize("texts", [[], [""], ["  ", "\n"]])
def test_training_on_no_text_fails(texts):
    with pytest.raises(ValueError, match="no text"):
        WordTokenizer().train(texts)


def test_training_rejects_bad_texts():
    with pytest.raises(TypeError, match="single str"):
        WordTokenizer().train("the sun")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        WordTokenizer().train(["the sun", 7])


@pytest.mark.parametrize("call", [
    lambda t: t.encode("a"), lambda t: t.decode([2, 3]), lambda t: t.tokens("a"),
    lambda t: t.encode_batch(["a"]), lambda t: t.vocab_size, lambda t: t.to_dict(),
    lambda t: t.token_to_id("a"), lambda t: t.id_to_token(0),
])
def test_use_before_training_fails_clearly(call):
    with pytest.raises(RuntimeError, match="train"):
        call(WordTokenizer())


# ---- encode and decode -----------------------------------------------------------------------
def test_encode_adds_cls_and_sep_and_maps_unknown_words(tok):
    ids = tok.encode("The sun rises in the north.")
    words = ["the", "sun", "rises", "in", "the"]
    assert ids == [tok.cls_id] + [tok.token_to_id(w) for w in words] + [tok.unk_id, tok.token_to_id("."), tok.sep_id]
    assert tok.unk_id not in ids[:6]
    assert tok.tokens("The north.") == ["the", "[UNK]", "."]
    assert tok.encode("The sun", add_special_tokens=False) == [tok.token_to_id("the"), tok.token_to_id("sun")]


def test_empty_string_encodes_to_cls_sep(tok):
    assert tok.encode("") == [tok.cls_id, tok.sep_id]
    assert tok.encode("", add_special_tokens=False) == []
    assert tok.decode(tok.encode("")) == ""


def test_decode_round_trip_attaches_punctuation(tok):
    assert tok.decode(tok.encode("The sun rises in the east.")) == "the sun rises in the east."
    assert tok.decode(tok.encode("The  MOON sets!")) == "the moon sets!"
    assert tok.decode(tok.encode("the sun sets in the north.")) == "the sun sets in the [UNK]."
    assert tok.decode(tok.encode("the sun"), skip_special_tokens=False) == "[CLS] the sun [SEP]"


def test_decode_rejects_unknown_ids(tok):
    with pytest.raises(ValueError, match=rf"unknown token id {tok.vocab_size}: valid ids are 0\.\.{tok.vocab_size - 1}"):
        tok.decode([2, tok.vocab_size])
    with pytest.raises(ValueError, match="unknown token id -1"):
        tok.decode([-1])
    with pytest.raises(TypeError):
        tok.decode([1.5, 2.0])
    with pytest.raises(TypeError):
        tok.decode("the sun")


def test_encode_rejects_non_str(tok):
    with pytest.raises(TypeError, match="text must be a str"):
        tok.encode(None)


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789'éü", min_size=1, max_size=8)
_PUNCT = st.sampled_from(["", ".", ",", "!", "?", ";", ":"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_WORD, _PUNCT), min_size=1, max_size=12))
def test_round_trip_property(pairs):
    text = " ".join(word + punct for word, punct in pairs)
    tok = WordTokenizer().train([text])
    ids = tok.encode(text)
    assert len(ids) == len(split_words(text)) + 2
    assert tok.unk_id not in ids
    assert tok.decode(ids) == clean_text(text)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30), st.text(max_size=30))
def test_any_text_encodes_to_valid_ids(train_text, text):
    if not split_words(train_text):
        train_text += " x"
    tok = WordTokenizer().train([train_text])
    ids = tok.encode(text)
    assert ids[0] == tok.cls_id and ids[-1] == tok.sep_id
    assert len(ids) == len(split_words(text)) + 2
    assert all(0 <= i < tok.vocab_size for i in ids)
    if "[UNK]" not in tok.tokens(text):  # decoding loses nothing but spacing
        assert tok.encode(tok.decode(ids)) == ids


# ---- batches ---------------------------------------------------------------------------------
def test_encode_batch_pads_right_with_exact_shape(tok):
    ids = tok.encode("the sun sets.")  # 4 words + 2 specials = 6
    batch = tok.encode_batch(["the sun sets.", ""], seq_len=9)
    assert batch.shape == (2, 9) and batch.dtype == np.int64
    assert batch[0].tolist() == ids + [tok.pad_id] * 3
    assert batch[1].tolist() == [tok.cls_id, tok.sep_id] + [tok.pad_id] * 7
    assert tok.attention_mask(batch).tolist() == [[1] * 6 + [0] * 3, [1, 1] + [0] * 7]


def test_encode_batch_truncation_edges(tok):
    ids = tok.encode("the sun sets.")
    n = len(ids)
    assert tok.encode_batch(["the sun sets."], seq_len=n)[0].tolist() == ids            # len + 2: exact fit
    assert tok.encode_batch(["the sun sets."], seq_len=n - 1)[0].tolist() == ids[:n - 2] + [tok.sep_id]
    assert tok.encode_batch(["the sun sets."], seq_len=2)[0].tolist() == [tok.cls_id, tok.sep_id]
    assert tok.encode_batch(["the sun sets."], seq_len=n + 1)[0].tolist() == ids + [tok.pad_id]


def test_encode_batch_default_length_and_empty_batch():
    tok = WordTokenizer(TokenizerConfig(seq_len=7)).train(TEXTS)
    assert tok.encode_batch(TEXTS).shape == (3, 7)
    assert tok.encode_batch([]).shape == (0, 7)


@pytest.mark.parametrize("seq_len, error", [(1, ValueError), (0, ValueError), (-2, ValueError),
                                            (3.0, TypeError), (True, TypeError)])
def test_encode_batch_rejects_bad_lengths(tok, seq_len, error):
    with pytest.raises(error, match="seq_len"):
        tok.encode_batch(["the sun"], seq_len=seq_len)


def test_encode_batch_rejects_bad_texts(tok):
    with pytest.raises(TypeError, match="single str"):
        tok.encode_batch("the sun")
    with pytest.raises(TypeError, match=r"texts\[0\]"):
        tok.encode_batch([None])


def test_attention_mask_rejects_floats(tok):
    with pytest.raises(TypeError, match="integers"):
        tok.attention_mask(np.zeros((2, 3)))


def test_token_and_id_lookups(tok):
    assert tok.id_to_token(tok.token_to_id("sun")) == "sun"
    assert tok.token_to_id("zebra") == tok.unk_id
    with pytest.raises(ValueError, match="valid ids"):
        tok.id_to_token(tok.vocab_size)
    with pytest.raises(TypeError):
        tok.token_to_id(3)


# ---- show your work --------------------------------------------------------------------------
def test_encode_and_show_work_records_the_steps(tok):
    ids, steps = tok.encode_and_show_work("The  Sun  rises?")
    assert ids == tok.encode("The  Sun  rises?") == steps.ids
    assert steps.cleaned == "the sun rises?"
    assert steps.words == ["the", "sun", "rises", "?"]
    assert steps.tokens == ["[CLS]", "the", "sun", "rises", "[UNK]", "[SEP]"]  # "?" is not in TEXTS
    assert json.loads(json.dumps(steps.to_dict()))["ids"] == ids
    assert "the sun rises?" in str(steps) and "<table" in steps._repr_html_()


# ---- saving and loading ----------------------------------------------------------------------
def test_save_load_round_trip(tok, tmp_path):
    path = tmp_path / "tok.json"
    tok.save(path)
    loaded = WordTokenizer.load(path)
    assert loaded.to_dict() == tok.to_dict()
    assert loaded.encode_batch(TEXTS, seq_len=12).tolist() == tok.encode_batch(TEXTS, seq_len=12).tolist()
    assert WordTokenizer.from_dict(json.loads(json.dumps(tok.to_dict()))).to_dict() == tok.to_dict()


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no tokenizer file"):
        WordTokenizer.load(tmp_path / "nope.json")


@pytest.mark.parametrize("content, match", [
    ("{not json", "not JSON"),
    ('{"format": "something else"}', "not a saved WordTokenizer"),
    ("[1, 2]", "not a saved WordTokenizer"),
])
def test_load_corrupt_or_foreign_files(tmp_path, content, match):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        WordTokenizer.load(path)


def test_load_rejects_non_utf8(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match="not a valid tokenizer file"):
        WordTokenizer.load(path)


@pytest.mark.parametrize("change, match", [
    (lambda d: d.update(version=99), "version"),
    (lambda d: d.update(vocab=["a", "b"]), "bad vocab"),
    (lambda d: d["vocab"].append("sun"), "bad vocab"),          # duplicate token
    (lambda d: d.update(config={"seq_len": 1}), "bad config"),
    (lambda d: d.update(config={"colour": "red"}), "bad config"),
])
def test_from_dict_rejects_damaged_data(tok, change, match):
    data = json.loads(json.dumps(tok.to_dict()))
    change(data)
    with pytest.raises(ValueError, match=match):
        WordTokenizer.from_dict(data)
