"""``genai-lab generate --domain picture|music``: PNG and WAV files, --json, bad input.

The commands use the domain models of the disk cache (``domains.domain_model``), the same
entries the chapter and tests/test_domains.py use, so nothing trains twice.
"""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import wave

import pytest

from genai_lab.cli import main
from genai_lab.domains import domain_model
from genai_lab.melody import MelodyGrammar, notes
from genai_lab.picture import PictureGrammar


@pytest.fixture(scope="module", autouse=True)
def models():
    """Both domain models, trained once into the cache before the commands run."""
    return {d: domain_model(d) for d in ("picture", "music")}


def run(capsys, *argv):
    """Exit code, stdout and stderr of ``genai-lab *argv`` (usage errors exit from argparse)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_picture_png_has_the_right_size(capsys, tmp_path):
    out_file = tmp_path / "p.png"
    code, out, err = run(capsys, "generate", "--domain", "picture", "--seed", "3",
                         "--scale", "5", "--out", str(out_file), "--json")
    assert code == 0, err
    data = json.loads(out)
    png = out_file.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (40, 40) == (data["width"], data["height"])
    assert data["valid"] == PictureGrammar().accepts(data["text"])
    assert data["path"] == str(out_file)


def test_melody_wav_lasts_as_long_as_its_notes(capsys, tmp_path):
    out_file = tmp_path / "m.wav"
    code, out, err = run(capsys, "generate", "--domain", "music", "--seed", "4",
                         "--tempo", "90", "--out", str(out_file), "--json")
    assert code == 0, err
    data = json.loads(out)
    beats = sum(b for _, b, _, _ in notes(data["text"]))
    with wave.open(str(out_file), "rb") as w:
        seconds = w.getnframes() / w.getframerate()
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        assert w.getframerate() == data["sample_rate"]
    assert seconds == pytest.approx(beats * 60 / 90, abs=1e-3)
    assert data["seconds"] == pytest.approx(seconds, abs=1e-3)
    assert data["valid"] == MelodyGrammar().accepts(data["text"])


def test_same_seed_same_file_and_text_output(capsys, tmp_path):
    files = [tmp_path / "a.png", tmp_path / "b.png"]
    for f in files:
        code, out, err = run(capsys, "generate", "--domain", "picture", "--seed", "9",
                             "--out", str(f))
        assert code == 0, err
        assert f"wrote {f}" in out and "picture" in out
    assert files[0].read_bytes() == files[1].read_bytes()
    code, out, _ = run(capsys, "generate", "--domain", "music", "--seed", "9", "--greedy",
                       "--out", str(tmp_path / "g.wav"))
    assert code == 0 and "bar" in out


@pytest.mark.parametrize("argv, fragment", [
    (["--domain", "video", "--out", "x.png"], "invalid choice: 'video'"),
    (["--domain", "picture", "--out", "/no/such/folder/p.png"], "does not exist"),
    (["--domain", "picture", "--out", "{tmp}/p.wav"], "written as .png"),
    (["--domain", "music", "--out", "{tmp}/m.png"], "written as .wav"),
    (["--domain", "picture", "--out", "{tmp}/p.png", "--scale", "0"], "scale must be >= 1, got 0"),
    (["--domain", "picture", "--out", "{tmp}/p.png", "--scale", "500"], "scale must be <= 64"),
    (["--domain", "music", "--out", "{tmp}/m.wav", "--tempo", "1000"], "tempo must be <= 240"),
    (["--domain", "music", "--out", "{tmp}/m.wav", "--temperature", "-1"], "temperature"),
    (["--domain", "music"], "--out"),
    (["--out", "{tmp}/p.png"], "seed text"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, argv, fragment):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(capsys, "generate", *argv)
    assert code == 2
    assert fragment in err and err.count("\n") == 1, err
    assert out == ""
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_installed_command_refuses_an_unknown_domain():
    proc = subprocess.run([sys.executable, "-m", "genai_lab", "generate", "--domain", "video",
                           "--out", "x.png"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "invalid choice: 'video'" in proc.stderr


def test_unwritable_output_is_one_line(capsys, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "p.png"
    target.mkdir()  # a folder where the file should go: the write fails
    code, out, err = run(capsys, "generate", "--domain", "picture", "--out", str(target))
    assert code == 2 and "cannot write" in err and err.count("\n") == 1, err
