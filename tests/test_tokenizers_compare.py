"""Tests of genai_lab.tokenizers_compare: the same sentences through three tokenizers."""
import pytest

from genai_lab.bpe import BPEConfig, BPETokenizer
from genai_lab.tokenizer import WordTokenizer
from genai_lab.tokenizers_compare import (bpe_merge_steps, compare_tokenizers, encode_pieces,
                                          kind_of, show_pieces)
from genai_lab.wordpiece import WordPieceTokenizer

TRAIN = ["the sun rises in the east.", "the moon rises in the west."]


@pytest.fixture(scope="module")
def tokenizers():
    return {"ours": WordTokenizer().train(TRAIN),
            "course": WordPieceTokenizer.course(),
            "bpe": BPETokenizer(BPEConfig(300)).train(TRAIN)}


def test_rows_pieces_and_unknown_words(tokenizers):
    table = compare_tokenizers(["The sun rises.", "Zebras rises."], tokenizers)
    rows = {(r[0], r[1]): r for r in table.rows}
    assert len(table.rows) == 2 * 3
    ours = rows[("Zebras rises.", "ours (word-level)")]
    assert ours[3] == "[UNK] | rises | ." and ours[6] == 1  # the unseen word is lost
    bpe = rows[("Zebras rises.", "bpe (byte-level BPE)")]
    assert bpe[6] == 0 and bpe[7] == "Zebras rises."       # nothing unknown, exact text back
    assert rows[("The sun rises.", "course (WordPiece)")][7] == "the sun rises ."
    assert "ours 1" in table.caption and "bpe 2" in table.caption


def test_encode_pieces_adds_no_special_tokens(tokenizers):
    pieces, ids = encode_pieces(tokenizers["ours"], "the sun")
    assert pieces == ["the", "sun"] and len(ids) == 2
    pieces, ids = encode_pieces(tokenizers["bpe"], "the sun")
    assert "".join(pieces) == "the sun"


def test_show_pieces_makes_spaces_visible():
    assert show_pieces(["The", " sun"]) == "The | ␣sun"


def test_bad_input(tokenizers):
    with pytest.raises(TypeError, match="WordTokenizer, WordPieceTokenizer or BPETokenizer"):
        kind_of("not a tokenizer")
    with pytest.raises(TypeError, match="sentences must be"):
        compare_tokenizers("one string", tokenizers)
    with pytest.raises(TypeError, match="tokenizers must be"):
        compare_tokenizers(["x"], {})
    with pytest.raises(TypeError, match=r"sentences\[0\] must be a str"):
        compare_tokenizers([3], tokenizers)


def test_bpe_merge_steps_end_at_the_encoding(tokenizers):
    tok = tokenizers["bpe"]
    text = "The sun rises in the far west."
    table = bpe_merge_steps(tok, text)
    finals = {}
    for chunk, step, n, pieces in table.rows:
        finals[chunk] = pieces  # the last row of each chunk
    expected = [show_pieces([tok.id_to_token(i) for i in tok.encode(c)])
                for c in ["The", " sun", " rises", " in", " the", " far", " west", "."]]
    assert list(finals.values()) == expected
    # by hand: "aaabdaaabac" with the Wikipedia merges takes exactly 3 merge steps
    wiki = BPETokenizer(BPEConfig(259, "none", ())).train("aaabdaaabac")
    steps = bpe_merge_steps(wiki, "aaabdaaabac").rows
    assert [r[2] for r in steps] == [11, 9, 7, 5]
    assert steps[1][1] == "merge 0: 'a' + 'a' -> id 256"
    with pytest.raises(TypeError, match="BPETokenizer"):
        bpe_merge_steps(tokenizers["ours"], "x")
