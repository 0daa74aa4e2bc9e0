"""Text helpers every stage shares: cleaning, word splitting and sentence case.

The corpus (stage 1), the statistics of collected text (stage 1), the word tokenizer
(stage 2) and generation (stage 5) all read text the same way, so they import these
functions instead of keeping copies::

    "The  sun rises in the EAST."
      -> clean_text    "the sun rises in the east."
      -> split_words   ["the", "sun", "rises", "in", "the", "east", "."]
      -> sentence_case (of the joined words) "The sun rises in the east."
"""
from __future__ import annotations

import unicodedata

from genai_lab.checks import check_str


def clean_text(text: str) -> str:
    """Normalise ``text``: Unicode NFKC, lowercase, every run of whitespace -> one space, strip.

    NFKC folds look-alike characters into one form (the ligature "ﬁ" -> "fi", a full-width
    "Ａ" -> "A", a non-breaking space -> a space), so that they get the same token.
    """
    check_str("text", text)
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(text.split())


def is_word_char(ch: str) -> bool:
    """Letters, digits (and the combining marks that decorate them) and apostrophes."""
    return ch == "'" or unicodedata.category(ch)[0] in "LMN"


def is_word(token: str) -> bool:
    """True for a word token ("sun", "don't", "42"), False for punctuation or ""."""
    return bool(token) and all(is_word_char(ch) for ch in token)


def split_words(text: str) -> list[str]:
    """Clean ``text`` and split it into words and punctuation.

    A word is a run of letters, digits and apostrophes ("don't" is one word); every other
    character that is not a space is a token on its own::

        split_words("The sun rises in the east.") == ["the", "sun", "rises", "in", "the", "east", "."]
        split_words("") == []
    """
    words: list[str] = []
    current: list[str] = []  # the characters of the word being read
    for ch in clean_text(text):
        if is_word_char(ch):
            current.append(ch)
            continue
        if current:
            words.append("".join(current))
            current = []
        if ch != " ":  # clean_text left single spaces only
            words.append(ch)
    if current:
        words.append("".join(current))
    return words


def sentence_case(text: str) -> str:
    """Capitalise the first letter of ``text`` and of every word after ``.``, ``!`` or ``?``.

    The tokenizer lower-cases everything, so decoded text reads "the sun rises."; this puts
    the capitals back for display: "The sun rises."
    """
    text = check_str("text", text)
    out, capital = [], True
    for ch in text:
        if capital and ch.isalpha():
            ch, capital = ch.upper(), False
        elif ch in ".!?":
            capital = True
        out.append(ch)
    return "".join(out)
