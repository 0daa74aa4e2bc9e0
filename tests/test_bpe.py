"""Tests of genai_lab.bpe: hand-worked examples, round trips on any text, save/load, bad input."""
import json

import pytest
from hypothesis import given, settings, strategies as st

from genai_lab.bpe import (END_OF_TEXT, PATTERNS, BPEConfig, BPETokenizer, get_stats, merge,
                           split_text)

SAMPLE = ("The sun rises in the east. The moon rises in the west. "
          "A lower tower is lower than the lowest tower. Don't stop; we'll see 1234 stars.\n"
          "Ünïcödé text: naïve café, 東京, emoji 😀 and tabs\there.")


def trained(vocab_size=300, pattern="gpt2", specials=(END_OF_TEXT,), text=SAMPLE):
    return BPETokenizer(BPEConfig(vocab_size, pattern, specials)).train(text)


def encode_by_replaying_merges(tok, text):
    """Reference encoder: apply every learned merge, in training order, to each chunk."""
    ids = []
    for chunk in split_text(text, tok.config.pattern):
        chunk_ids = list(chunk.encode("utf-8"))
        for rank, pair in enumerate(tok.merges):
            chunk_ids = merge(chunk_ids, pair, 256 + rank)
        ids.extend(chunk_ids)
    return ids


# ---- primitives, worked by hand --------------------------------------------------------------
def test_get_stats_counts_adjacent_pairs():
    assert get_stats([1, 2, 3, 1, 2]) == {(1, 2): 2, (2, 3): 1, (3, 1): 1}
    assert get_stats([7]) == {}
    assert get_stats([1, 2], {(1, 2): 3}) == {(1, 2): 4}


def test_merge_left_to_right_without_overlap():
    assert merge([1, 2, 3, 1, 2], (1, 2), 4) == [4, 3, 4]
    assert merge([5, 5, 5], (5, 5), 6) == [6, 5]
    assert merge([1, 3], (1, 2), 4) == [1, 3]


def test_gpt2_split_by_hand():
    assert split_text("Hello world's 123  !!") == ["Hello", " world", "'s", " 123", " ", " !!"]
    # GPT-2's contractions are lowercase only: "'S" is punctuation, then a word.
    assert split_text("IT'S") == ["IT", "'", "S"]
    assert split_text("a_b") == ["a", "_", "b"]


def test_gpt4_split_by_hand():
    assert split_text("12345 IT'S", "gpt4") == ["123", "45", " IT", "'S"]
    assert split_text("x  !!\n\ny", "gpt4") == ["x", " ", " !!\n\n", "y"]
    assert split_text("", "gpt4") == []


def test_no_pattern_keeps_the_text_whole():
    assert split_text("a b, c", "none") == ["a b, c"]


def test_wikipedia_example_by_hand_with_tie_breaking():
    # "aaabdaaabac": (a, a) occurs 4 times -> 256. Then (256, a) and (a, b) both occur twice:
    # the tie goes to the smaller pair (97, 98) -> 257. Then (256, 257) twice -> 258.
    tok = BPETokenizer(BPEConfig(259, "none", ())).train("aaabdaaabac")
    assert tok.merges == [(97, 97), (97, 98), (256, 257)]
    assert tok.merge_counts == [4, 2, 2]
    assert tok.encode("aaabdaaabac") == [258, 100, 258, 97, 99]
    assert tok.id_to_token(258) == "aaab"
    assert tok.vocab_size == 259


def test_chunks_never_merge_across_the_pre_split():
    # "ab ab" -> chunks "ab", " ab": (a, b) twice -> 256, then (" ", 256) once -> 257.
    tok = BPETokenizer(BPEConfig(260, "gpt2", ())).train("ab ab")
    assert tok.merges == [(97, 98), (32, 256)]  # stopped early: every chunk is one token
    assert tok.vocab_size == 258
    assert tok.encode("ab ab") == [256, 257]
    assert tok.encode("ba") == [98, 97]
    assert tok.tokens("ab ab") == ["ab", " ab"]


def test_special_tokens_take_the_ids_after_the_merges():
    tok = BPETokenizer(BPEConfig(260, "none", ("<|endoftext|>", "<|pad|>"))).train("aaaa")
    assert tok.merges == [(97, 97), (256, 256)]
    assert tok.special_tokens == {"<|endoftext|>": 258, "<|pad|>": 259}
    text = "aa<|endoftext|>a"
    assert tok.encode(text, allowed_special=True) == [256, 258, 97]
    assert 258 not in tok.encode(text)  # not allowed: the marker is just text
    assert tok.decode(tok.encode(text, allowed_special=True)) == text
    assert tok.special_id("<|pad|>") == 259
    with pytest.raises(ValueError, match="not a special token"):
        tok.special_id("[PAD]")


def test_training_is_deterministic_and_reaches_the_vocab_size():
    a, b = trained(340), trained(340)
    assert a.merges == b.merges and a.vocab_size == 340
    assert a.merge_counts == sorted(a.merge_counts, reverse=True)  # counts never increase


def test_documents_are_split_separately():
    # The same chunks whether given as two documents or as one text: the same merges.
    docs = ["low lower lowest", " newer newest wider"]
    tok = BPETokenizer(BPEConfig(290, "gpt2", ())).train(docs)
    assert tok.merges == BPETokenizer(BPEConfig(290, "gpt2", ())).train("".join(docs)).merges
    # With no pre-split, no pair spans two documents: "xy", "xy" never counts (y, x).
    tok = BPETokenizer(BPEConfig(300, "none", ())).train(["xy", "xy"])
    assert tok.merges == [(120, 121)] and tok.merge_counts == [2]


def test_encoding_compresses_the_training_text():
    tok = trained(400)
    assert len(tok.encode(SAMPLE)) < 0.7 * len(SAMPLE.encode("utf-8"))


def test_partial_utf8_tokens_shown_as_escapes_and_decoded_with_replacement():
    tok = trained(256 + 1, specials=())
    euro = "€".encode("utf-8")  # 3 bytes: e2 82 ac
    assert tok.id_to_token(euro[0]) == "\\xe2"
    assert tok.decode([euro[0]]) == "\ufffd"
    assert tok.decode(list(euro)) == "€"


# ---- properties ------------------------------------------------------------------------------
TOKENIZERS = {p: trained(330, p) for p in PATTERNS}


@settings(max_examples=150, deadline=None)
@given(text=st.text(), pattern=st.sampled_from(sorted(PATTERNS)))
def test_split_then_join_gives_the_text_back(text, pattern):
    assert "".join(split_text(text, pattern)) == text


@settings(max_examples=150, deadline=None)
@given(text=st.text(), pattern=st.sampled_from(sorted(PATTERNS)))
def test_round_trip_on_any_text(text, pattern):
    tok = TOKENIZERS[pattern]
    ids = tok.encode(text)
    assert all(0 <= i < tok.vocab_size for i in ids)
    assert tok.decode(ids) == text
    assert tok.decode_bytes(ids) == text.encode("utf-8")
    assert len(ids) <= len(text.encode("utf-8"))


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=200), vocab=st.integers(257, 320),
       pattern=st.sampled_from(sorted(PATTERNS)))
def test_trained_on_random_text_round_trips_and_matches_replayed_merges(text, vocab, pattern):
    tok = BPETokenizer(BPEConfig(vocab, pattern, ())).train(text)
    assert tok.vocab_size <= vocab
    ids = tok.encode(text)
    assert tok.decode(ids) == text
    assert ids == encode_by_replaying_merges(tok, text)


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=300))
def test_fast_encoder_equals_replaying_the_merges(text):
    tok = TOKENIZERS["gpt2"]
    assert tok.encode(text) == encode_by_replaying_merges(tok, text)


# ---- save and load ---------------------------------------------------------------------------
def test_save_load_round_trip(tmp_path):
    tok = trained(320, "gpt4", (END_OF_TEXT, "<|pad|>"))
    path = tmp_path / "bpe.json"
    tok.save(path)
    back = BPETokenizer.load(path)
    assert back.merges == tok.merges and back.config == tok.config
    assert back.merge_counts == tok.merge_counts
    assert back.encode(SAMPLE) == tok.encode(SAMPLE)
    assert BPETokenizer.from_dict(json.loads(json.dumps(tok.to_dict()))).merges == tok.merges


def test_load_rejects_missing_and_corrupt_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        BPETokenizer.load(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not JSON"):
        BPETokenizer.load(bad)
    bad.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a saved BPETokenizer"):
        BPETokenizer.load(bad)


@pytest.mark.parametrize("merges, message", [
    ([[300, 1]], "merge 0"),                 # id 300 does not exist before merge 0
    ([[1, 2], [1, 2]], "same merge twice"),
    ([[1, 2, 3]], "merge 0"),
])
def test_from_dict_rejects_bad_merges(merges, message):
    data = trained(300).to_dict()
    data["merges"] = merges
    data["merge_counts"] = []
    with pytest.raises(ValueError, match=message):
        BPETokenizer.from_dict(data)


# ---- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, message", [
    ({"vocab_size": 100}, ValueError, "vocab_size must be >= 257"),
    ({"vocab_size": 300.0}, TypeError, "vocab_size must be an integer"),
    ({"pattern": "gpt3"}, ValueError, "pattern must be one of"),
    ({"special_tokens": "<|endoftext|>"}, TypeError, "special_tokens must be a tuple"),
    ({"special_tokens": ("a", "a")}, ValueError, "distinct"),
    ({"special_tokens": ("",)}, ValueError, "non-empty"),
])
def test_config_rejects_bad_values(kwargs, error, message):
    with pytest.raises(error, match=message):
        BPEConfig(**kwargs)


def test_bad_arguments():
    tok = trained(300)
    with pytest.raises(TypeError, match="text must be a str"):
        tok.encode(b"bytes")
    with pytest.raises(TypeError, match="allowed_special"):
        tok.encode("x", allowed_special="all")
    with pytest.raises(ValueError, match="unknown token id 300"):
        tok.decode([300])
    with pytest.raises(TypeError, match="integer"):
        tok.decode([1.5])
    with pytest.raises(TypeError, match="sequence of integers"):
        tok.decode("abc")
    with pytest.raises(ValueError, match="lone surrogate"):
        tok.encode("a\ud800b")
    with pytest.raises(TypeError, match="config must be a BPEConfig"):
        BPETokenizer({"vocab_size": 300})


def test_train_rejects_no_text_and_non_strings():
    with pytest.raises(ValueError, match="no text"):
        BPETokenizer().train([])
    with pytest.raises(ValueError, match="no text"):
        BPETokenizer().train("")
    with pytest.raises(TypeError, match=r"texts\[1\] must be a str"):
        BPETokenizer().train(["ok", 3])
    with pytest.raises(TypeError, match="texts must be"):
        BPETokenizer().train(b"bytes")
