"""The command line: output, --json, and one-line errors with exit code 2."""
import json
import subprocess
import sys

import pytest

from genai_lab.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def course_cache(trained, monkeypatch):
    """Point the CLI's default_model at the session's trained model (no second training)."""
    monkeypatch.setenv("GENAI_LAB_CACHE", str(trained.path.parent))
    return trained


def test_pipeline_prints_the_chain_and_the_bert_sized_comparison(capsys, course_cache):
    code, out, err = run(capsys, "pipeline", "--samples", "10000", "--seq-len", "50",
                         "--dim", "768")
    assert code == 0, err
    n, length = course_cache.train_ids.shape
    c = course_cache.model.config.n_embd
    assert f"{n} x {length}" in out and f"{n} x {length - 1} x {c}" in out
    assert "10000 x 50 x 768" in out and "[CLS]=101, [SEP]=102" in out


def test_pipeline_json(capsys, course_cache):
    code, out, _ = run(capsys, "pipeline", "--samples", "30", "--seq-len", "10", "--dim", "8",
                       "--json")
    assert code == 0
    data = json.loads(out)
    n, length = course_cache.train_ids.shape
    assert [s["output_shape"] for s in data["stages"]] == [
        [n + len(course_cache.val_ids)], [n, length],
        [n, length - 1, course_cache.model.config.n_embd]]
    block = next(r for r in data["bert_base_sized"]["rows"] if r[""] == "feature block (N, T, C)")
    assert block["BERT-base-sized"] == "30 x 10 x 8"


def test_corpus_stats_and_file(capsys, tmp_path):
    code, out, _ = run(capsys, "corpus", "--samples", "200", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["examples"]) == 5 and data["source"].startswith("default grammar")
    f = tmp_path / "book.txt"
    f.write_text("The river runs to the sea.\n\nIt never stops.\n", encoding="utf-8")
    code, out, _ = run(capsys, "corpus", str(f))
    assert code == 0 and "river" in out


def test_tokenize_with_bert_vocab(capsys):
    from genai_lab.wordpiece import bert_vocab_path
    vocab = bert_vocab_path()
    assert vocab is not None, "BERT's vocab.txt is missing: run `make test`, which installs it"
    code, out, _ = run(capsys, "tokenize", "This is a example", "--vocab", str(vocab))
    assert code == 0
    assert out.strip().splitlines()[-1] == "[101, 2023, 2003, 1037, 2742, 102]"
    code, out, _ = run(capsys, "tokenize", "This is a example", "--vocab", str(vocab), "--json")
    assert json.loads(out)["ids"] == [101, 2023, 2003, 1037, 2742, 102]


def test_tokenize_with_course_vocab(capsys):
    code, out, _ = run(capsys, "tokenize", "The sun rises.", "--json")
    data = json.loads(out)
    assert code == 0 and data["ids"][0] == 101 and data["ids"][-1] == 102


@pytest.mark.parametrize("argv, fragment", [
    (["pipeline", "--samples", "0"], "n_samples must be >= 1"),
    (["pipeline", "--seq-len", "-4"], "seq_len must be >= 2"),
    (["pipeline", "--samples", "ten"], "invalid int value"),
    (["corpus", "/no/such/folder"], "/no/such/folder"),
    (["tokenize", "hi", "--vocab", "/no/such/vocab.txt"], "vocab.txt"),
    (["generate", "The sun", "--temperature", "0"], "temperature"),
    (["generate", "The sun", "--top-k", "0"], "top_k"),
    (["generate", "The sun", "--top-p", "1.5"], "top_p"),
    (["trace", "The sun", "--temperature", "-1"], "temperature"),
    (["nonsense"], "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_2(argv, fragment):
    proc = subprocess.run([sys.executable, "-m", "genai_lab", *argv], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert fragment in lines[0]
    assert "Traceback" not in proc.stderr


def test_every_subcommand_has_help():
    for cmd in ("pipeline", "corpus", "tokenize", "train", "generate", "trace"):
        proc = subprocess.run([sys.executable, "-m", "genai_lab", cmd, "--help"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and "--json" in proc.stdout, cmd


@pytest.fixture(scope="module")
def small_checkpoint(tmp_path_factory):
    """A quickly trained model saved by `genai-lab train --save` (one epoch, 300 sentences)."""
    folder = tmp_path_factory.mktemp("cli") / "model"
    code = main(["train", "--epochs", "1", "--samples", "300", "--save", str(folder),
                 "--json"])
    assert code == 0
    return folder


def test_train_prints_the_epoch_table(capsys, tmp_path):
    code, out, _ = run(capsys, "train", "--epochs", "2", "--samples", "200", "--quiet")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("epoch 1: train loss") and lines[1].startswith("epoch 2:")
    assert "val loss" in out and "|" in out          # the table after the per-epoch lines


def test_train_json_and_checkpoint(small_checkpoint, capsys):
    code, out, _ = run(capsys, "train", "--epochs", "1", "--samples", "200", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["epochs"]) == 1
    assert small_checkpoint.exists()


def test_generate_from_a_checkpoint_is_deterministic(small_checkpoint, capsys):
    argv = ["generate", "The sun", "--checkpoint", str(small_checkpoint), "--seed", "3",
            "--max-new-tokens", "6", "--json"]
    code, out, _ = run(capsys, *argv)
    first = json.loads(out)
    assert code == 0 and first["prompt"] == "The sun"
    assert first["text"].startswith("the sun") and len(first["ids"]) <= 3 + 6
    _, again, _ = run(capsys, *argv)
    assert json.loads(again)["text"] == first["text"]
    code, out, _ = run(capsys, "generate", "The sun", "--checkpoint", str(small_checkpoint),
                       "--greedy", "--max-new-tokens", "4")
    assert code == 0 and out.strip().startswith("The sun")


def test_trace_from_a_checkpoint(small_checkpoint, capsys):
    code, out, _ = run(capsys, "trace", "The sun rises", "--checkpoint", str(small_checkpoint),
                       "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["layers"]) == 5
    code, out, _ = run(capsys, "trace", "The sun rises", "--checkpoint", str(small_checkpoint))
    assert code == 0 and "softmax" in out.lower()


def test_missing_checkpoint_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "generate", "The sun", "--checkpoint", str(tmp_path / "nope"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "nope" in err
