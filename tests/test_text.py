"""Tests of genai_lab.text: cleaning, word splitting and sentence case, shared by every stage."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genai_lab.text import clean_text, is_word, is_word_char, sentence_case, split_words


def test_split_words_contract():
    assert split_words("The sun rises in the east.") == ["the", "sun", "rises", "in", "the", "east", "."]
    assert split_words("") == []
    assert split_words("   \n\t ") == []


def test_split_words_apostrophes_digits_and_symbols():
    assert split_words("Don't pay $5_000, ok?") == ["don't", "pay", "$", "5", "_", "000", ",", "ok", "?"]
    assert split_words("(a)b") == ["(", "a", ")", "b"]


def test_clean_text_nfkc_lowercase_whitespace():
    # ligature fi, full-width A, non-breaking space, tabs and newlines
    assert clean_text("  \ufb01ne\u00a0\uff21  B\t\nC ") == "fine a b c"
    assert clean_text("") == ""


@given(st.text(max_size=40))
def test_clean_text_is_idempotent_and_split_ignores_spaces(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert split_words(text) == split_words(cleaned)
    assert all(word and " " not in word for word in split_words(text))


@pytest.mark.parametrize("bad", [None, 3, b"bytes", ["a"]])
def test_clean_and_split_reject_non_str(bad):
    with pytest.raises(TypeError, match="text must be a str"):
        clean_text(bad)
    with pytest.raises(TypeError, match="text must be a str"):
        split_words(bad)


def test_split_words_matches_the_tokenizer_rules():
    assert split_words("The sun rises in the east.") == ["the", "sun", "rises", "in", "the",
                                                         "east", "."]
    assert split_words("Don't  STOP, 42 times!") == ["don't", "stop", ",", "42", "times", "!"]


@pytest.mark.parametrize("text", [
    "The sun rises in the east.", "  Don't\tSTOP,\n42 times!! ", "Café crème_brûlée (ok)?",
    "ﬁne Ａ\u00a0b", "e\u0301t\u00e9 \u00bd-time", "", "...", "l'été's  end"])
def test_is_word_agrees_with_split_words(text):
    for token in split_words(text):
        assert is_word(token) == all(is_word_char(ch) for ch in token)
        assert is_word(token) or len(token) == 1  # punctuation is one character per token


def test_is_word_and_is_word_char():
    assert is_word("don't") and is_word("42") and is_word("caf\u00e9")
    assert not is_word(".") and not is_word("") and not is_word("a-b")
    assert is_word_char("'") and not is_word_char(" ") and not is_word_char("_")


def test_sentence_case_puts_capitals_back():
    assert sentence_case("the sun rises. the moon sets! ok? yes") == \
        "The sun rises. The moon sets! Ok? Yes"
    assert sentence_case("") == ""
    with pytest.raises(TypeError, match="text must be a str"):
        sentence_case(3)
