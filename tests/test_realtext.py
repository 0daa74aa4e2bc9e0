"""Tests of genai_lab.realtext: BPE + the transformer on real text, at tiny sizes (seconds)."""
import math

import numpy as np
import pytest

from genai_lab.bpe import END_OF_TEXT, BPEConfig, BPETokenizer
from genai_lab.realtext import (PAD, SPECIAL_TOKENS, RealTextConfig, encode_documents,
                                generate_text, is_text_model, load_text_model, memorisation,
                                save_text_model, target_bytes, train_on_text, windows,
                                word_ngrams)

DOCS = [f"The {a} {v} the {b} at {t}." for a in ("cat", "dog", "bird", "fish")
        for v in ("sees", "likes", "follows") for b in ("ball", "tree", "house")
        for t in ("noon", "night")]  # 72 short documents
TINY = RealTextConfig(vocab_size=300, block_size=8, n_layer=1, n_head=2, n_embd=16, epochs=2,
                      batch_size=16, n_generate=4, max_new_tokens=12, ngram=3)


@pytest.fixture(scope="module")
def result():
    return train_on_text(DOCS, TINY)


def test_stream_and_windows():
    tok = BPETokenizer(BPEConfig(280, "gpt2", SPECIAL_TOKENS)).train(DOCS)
    eot = tok.special_id(END_OF_TEXT)
    stream = encode_documents(tok, ["ab", "c"])
    assert stream == tok.encode("ab") + [eot] + tok.encode("c") + [eot]
    rows = windows(list(range(10)), 4)
    assert rows.tolist() == [[0, 1, 2, 3], [4, 5, 6, 7]]  # the partial row is dropped
    with pytest.raises(ValueError, match="fewer than one window"):
        windows([1, 2], 3)


def test_target_bytes_counts_an_end_of_document_as_one_byte():
    tok = BPETokenizer(BPEConfig(280, "gpt2", SPECIAL_TOKENS)).train(DOCS)
    ids = np.array(tok.encode("The cat") + [tok.special_id(END_OF_TEXT)])
    assert target_bytes(tok, ids) == len("The cat") + 1


def test_memorisation_by_hand():
    training = ["the cat sees the ball", "a dog likes a tree"]
    assert word_ngrams("a b c d", 3) == [("a", "b", "c"), ("b", "c", "d")]
    out = memorisation(["the cat sees a tree", "a dog likes a tree"], training, n=3)
    # First text: (the cat sees) seen, (cat sees a) and (sees a tree) new. The second is a
    # copy of a training document: its 3 three-grams are all seen. 4 of 6 seen.
    assert out["ngrams"] == 6
    assert out["seen_share"] == pytest.approx(4 / 6)
    assert out["copied_share"] == 0.5
    assert memorisation(["too short"], training, n=3)["seen_share"] is None


def test_train_on_text_measures_held_out_loss(result):
    assert result.documents == (65, 7)  # round(72 * 0.1) = 7 held out
    assert result.tokenizer.vocab_size <= TINY.vocab_size
    assert result.model.config.vocab_size == result.tokenizer.vocab_size
    t = result.trace
    assert t.floor is None and len(t.epochs) == TINY.epochs
    assert result.val_loss < t.initial_val_loss  # it learned something
    assert result.perplexity == pytest.approx(math.exp(result.val_loss))
    assert result.bits_per_byte == pytest.approx(
        result.val_loss * result.val_targets / result.val_target_bytes / math.log(2))
    assert len(result.samples) == TINY.n_generate
    assert set(result.seconds) == {"BPE training", "encoding", "model training", "generation"}
    table = result.table()
    assert any(row[0] == "perplexity" for row in table.rows)


def test_validation_documents_are_unseen_by_the_tokenizer_training(result):
    # The tokenizer was trained on the training documents only: retraining on them gives
    # exactly its merges, and training on every document gives different ones.
    from genai_lab.data import train_val_split
    train_docs, _ = train_val_split(DOCS, TINY.val_fraction, TINY.seed)
    again = BPETokenizer(BPEConfig(TINY.vocab_size, "gpt2", SPECIAL_TOKENS)).train(train_docs)
    assert again.merges == result.tokenizer.merges


def test_runs_are_deterministic(result):
    again = train_on_text(DOCS, TINY)
    assert again.samples == result.samples and again.val_loss == result.val_loss


def test_generate_text_stops_and_checks(result):
    text = generate_text(result.model, result.tokenizer, "The cat", max_new_tokens=5, seed=1)
    assert isinstance(text, str)
    assert text == generate_text(result.model, result.tokenizer, "The cat", 5, seed=1)
    other = BPETokenizer(BPEConfig(260, "none", SPECIAL_TOKENS)).train("abc")
    with pytest.raises(ValueError, match="do not belong together"):
        generate_text(result.model, other)
    with pytest.raises(TypeError, match="BPETokenizer"):
        generate_text(result.model, "tok")
    with pytest.raises(ValueError, match="max_new_tokens"):
        generate_text(result.model, result.tokenizer, max_new_tokens=0)


@pytest.mark.parametrize("kwargs, message", [
    ({"vocab_size": 100}, "vocab_size"), ({"n_embd": 10, "n_head": 4}, "divisible"),
    ({"val_fraction": 1.0}, "val_fraction"), ({"ngram": 0}, "ngram"),
])
def test_config_rejects_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RealTextConfig(**kwargs)


def test_train_on_text_rejects_bad_documents():
    with pytest.raises(TypeError, match="list of strings"):
        train_on_text("one text", TINY)
    with pytest.raises(TypeError, match=r"documents\[1\]"):
        train_on_text(["a", 2], TINY)
    with pytest.raises(ValueError, match="fewer than one window"):
        train_on_text(["a b", "c d", "e f"], TINY)


def test_pad_token_never_occurs_in_the_data(result):
    assert PAD in result.tokenizer.special_tokens
    pad = result.tokenizer.special_id(PAD)
    assert pad not in encode_documents(result.tokenizer, DOCS)


def test_save_and_load_a_text_model(result, tmp_path):
    save_text_model(result, tmp_path / "m")
    assert is_text_model(tmp_path / "m") and not is_text_model(tmp_path / "nothing")
    model, tokenizer = load_text_model(tmp_path / "m")
    assert tokenizer.merges == result.tokenizer.merges
    assert all(np.array_equal(model.params[k], result.model.params[k]) for k in model.params)
    assert (generate_text(model, tokenizer, "The dog", 8, seed=3)
            == generate_text(result.model, result.tokenizer, "The dog", 8, seed=3))
    with pytest.raises(ValueError, match="no checkpoint"):
        load_text_model(tmp_path / "nothing")
    with pytest.raises(TypeError, match="RealTextResult"):
        save_text_model("result", tmp_path / "x")


# ---- the command line: train --text, then generate from that checkpoint ----------------------
def test_cli_train_text_then_generate(tmp_path, capsys):
    from genai_lab.cli import main

    text = tmp_path / "notes.txt"
    text.write_text("\n\n".join(DOCS), encoding="utf-8")
    folder = tmp_path / "my-model"
    argv = ["train", "--text", str(text), "--save", str(folder), "--epochs", "1",
            "--vocab-size", "300", "--block-size", "8", "--quiet"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "held-out loss" in out and "perplexity" in out and "saved checkpoint" in out
    assert is_text_model(folder)
    runs = []
    for _ in range(2):
        assert main(["generate", "The cat", "--checkpoint", str(folder), "--seed", "4",
                     "--max-new-tokens", "10"]) == 0
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1] and runs[0].startswith("The cat")
    assert main(["generate", "The", "--checkpoint", str(folder), "--json"]) == 0
    assert '"new_text"' in capsys.readouterr().out
    assert main(["trace", "The cat", "--checkpoint", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "train --text" in err and len(err.strip().splitlines()) == 1


def test_cli_train_text_bad_input_is_one_line(tmp_path, capsys):
    from genai_lab.cli import main

    assert main(["train", "--text", str(tmp_path / "missing.txt"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and len(err.strip().splitlines()) == 1
    small = tmp_path / "small.txt"
    small.write_text("Hi there.", encoding="utf-8")
    assert main(["train", "--text", str(small), "--quiet"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
