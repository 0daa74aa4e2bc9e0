"""Three tokenizers on the same sentences: word-level (ours), WordPiece (BERT) and BPE (GPT).

``compare_tokenizers(sentences, {"name": tokenizer, ...})`` returns one Table row per
sentence and tokenizer: the pieces, the ids, how many there are, how many are the unknown
token, and what decoding the ids gives back. It shows the three answers to "what is a
token?":

* word-level: one id per word seen in training; any other word becomes [UNK] (lossy),
  and decoding gives the cleaned, lowercased text;
* WordPiece: a word is cut into the longest pieces in a fixed vocabulary ("##" marks a
  piece that continues a word); only a word with a character outside the vocabulary
  becomes [UNK]; decoding gives lowercased text with spaces around punctuation;
* byte-level BPE: every text is bytes, so nothing is unknown and decoding gives the
  exact text back; a rare word just takes more pieces.

``bpe_merge_steps(tokenizer, text)`` shows BPE's work on one text: every merge applied, in
order, with the pieces after it.

No special tokens are added ([CLS]/[SEP] or ``<|endoftext|>``): only the text's own
pieces are compared. In the pieces column a space is shown as "␣".
"""
from __future__ import annotations

from typing import Mapping, Sequence

from genai_lab.bpe import BPETokenizer, merge, split_text
from genai_lab.checks import check_str
from genai_lab.display.table import Table
from genai_lab.tokenizer import WordTokenizer
from genai_lab.wordpiece import WordPieceTokenizer

#: What each kind of tokenizer is called in the table.
KINDS = {WordTokenizer: "word-level", WordPieceTokenizer: "WordPiece",
         BPETokenizer: "byte-level BPE"}


def kind_of(tokenizer) -> str:
    """"word-level", "WordPiece" or "byte-level BPE"; TypeError for anything else."""
    for cls, name in KINDS.items():
        if isinstance(tokenizer, cls):
            return name
    raise TypeError(f"tokenizer must be a WordTokenizer, WordPieceTokenizer or BPETokenizer, "
                    f"got {type(tokenizer).__name__}")


def encode_pieces(tokenizer, text: str) -> tuple[list[str], list[int]]:
    """``(pieces, ids)`` of ``text`` without special tokens, for any of the three kinds."""
    check_str("text", text)
    kind = kind_of(tokenizer)
    if kind == "byte-level BPE":
        ids = tokenizer.encode(text)
    else:
        ids = tokenizer.encode(text, add_special_tokens=False)
    return [tokenizer.id_to_token(i) for i in ids], ids


def unknown_id(tokenizer) -> int | None:
    """The id of [UNK], or None for byte-level BPE (which has no unknown token)."""
    return None if isinstance(tokenizer, BPETokenizer) else tokenizer.unk_id


def show_pieces(pieces: Sequence[str]) -> str:
    """Pieces joined by " | ", each space shown as "␣" so that leading spaces are visible."""
    return " | ".join(p.replace(" ", "␣") for p in pieces)


def compare_tokenizers(sentences: Sequence[str], tokenizers: Mapping[str, object]) -> Table:
    """One row per (sentence, tokenizer): pieces, ids, counts and the decoded text.

    ``tokenizers`` maps a display name ("ours (word-level)", "BERT WordPiece", ...) to a
    trained tokenizer. The caption counts the unknown tokens each tokenizer produced.
    """
    if isinstance(sentences, str) or not isinstance(sentences, Sequence) or not sentences:
        raise TypeError(f"sentences must be a non-empty list of strings, got "
                        f"{type(sentences).__name__}")
    sentences = [check_str(f"sentences[{i}]", s) for i, s in enumerate(sentences)]
    if not isinstance(tokenizers, Mapping) or not tokenizers:
        raise TypeError("tokenizers must be a non-empty dict of name -> tokenizer")
    kinds = {name: kind_of(tok) for name, tok in tokenizers.items()}  # raises on a bad one
    rows = []
    unknown_totals = {name: 0 for name in tokenizers}
    exact = {name: 0 for name in tokenizers}  # sentences whose decoded text equals the input
    for text in sentences:
        for name, tok in tokenizers.items():
            pieces, ids = encode_pieces(tok, text)
            unk = unknown_id(tok)
            n_unknown = sum(i == unk for i in ids) if unk is not None else 0
            unknown_totals[name] += n_unknown
            decoded = tok.decode(ids)
            exact[name] += decoded == text
            rows.append((text, f"{name} ({kinds[name]})", tok.vocab_size, show_pieces(pieces),
                         ids, len(ids), n_unknown, decoded))
    caption = ("Unknown tokens: " + "; ".join(f"{n} {k}" for n, k in unknown_totals.items())
               + f". Decoded text identical to the input (of {len(sentences)}): "
               + "; ".join(f"{n} {k}" for n, k in exact.items()) + ".")
    return Table("The same sentences, three tokenizers",
                 ("sentence", "tokenizer", "vocabulary", "pieces", "ids", "tokens", "unknown",
                  "decoded"), rows, caption=caption)


def bpe_merge_steps(tokenizer: BPETokenizer, text: str) -> Table:
    """The merges BPE applies to ``text``, one row per step, each chunk of the pre-split
    starting from its bytes; the final pieces are those of ``tokenizer.encode(text)``."""
    if not isinstance(tokenizer, BPETokenizer):
        raise TypeError(f"tokenizer must be a BPETokenizer, got {type(tokenizer).__name__}")
    check_str("text", text)
    ranks = {pair: rank for rank, pair in enumerate(tokenizer.merges)}
    rows = []
    for chunk in split_text(text, tokenizer.config.pattern):
        ids = list(chunk.encode("utf-8"))
        rows.append((repr(chunk), "start: one token per byte", len(ids),
                     show_pieces([tokenizer.id_to_token(i) for i in ids])))
        while True:
            present = [p for p in zip(ids, ids[1:]) if p in ranks]
            if not present:
                break
            pair = min(present, key=ranks.get)  # the earliest-learned merge that applies
            new_id = 256 + ranks[pair]
            ids = merge(ids, pair, new_id)
            step = (f"merge {ranks[pair]}: {tokenizer.id_to_token(pair[0])!r} + "
                    f"{tokenizer.id_to_token(pair[1])!r} -> id {new_id}")
            rows.append((repr(chunk), step, len(ids),
                         show_pieces([tokenizer.id_to_token(i) for i in ids])))
    return Table("BPE, merge by merge", ("chunk", "step", "tokens", "pieces"), rows,
                 caption="Each chunk of the pre-split is merged on its own, always applying "
                         "the merge learned earliest among the pairs present.")
