"""The melody grammar: exact probabilities, the floor by a dynamic programme, validity, WAV."""
from __future__ import annotations

import io
import math
import wave

import numpy as np
import pytest

from genai_lab.melody import (BAR, DURATIONS, KEYS, SOLFEGE, MelodyGrammar, degree_pitch,
                              melody_corpus, notes, pitch_name, synthesise, wav_bytes,
                              write_wav)


@pytest.fixture(scope="module")
def small():
    """bars=1: every melody enumerated (a few thousand)."""
    grammar = MelodyGrammar(1)
    return grammar, grammar.melodies()


def test_probabilities_sum_to_one_and_each_melody_has_one_derivation(small):
    grammar, melodies = small
    assert math.fsum(p for _, p in melodies) == pytest.approx(1.0, abs=1e-12)
    texts = [m.text() for m, _ in melodies]
    assert len(set(texts)) == len(texts)  # distinct derivations, distinct token sequences
    for melody, p in melodies:
        assert grammar.probability(melody.text()) == pytest.approx(p, rel=1e-12)


def test_the_dynamic_programme_agrees_with_enumeration(small):
    grammar, melodies = small
    h = -math.fsum(p * math.log(p) for _, p in melodies)
    tokens = math.fsum(p * (len(m.tokens()) + 1) for m, p in melodies)  # + [SEP]
    assert grammar.entropy_per_melody() == pytest.approx(h, rel=1e-12)
    assert grammar.mean_tokens() == pytest.approx(tokens, rel=1e-12)
    assert grammar.entropy_per_token() == pytest.approx(h / tokens, rel=1e-12)
    assert grammar.max_tokens() == max(len(m.tokens()) for m, _ in melodies) + 2


def test_enumeration_refuses_a_grammar_too_big():
    with pytest.raises(ValueError, match="more than limit=1000"):
        MelodyGrammar(2).melodies(limit=1000)


@pytest.mark.parametrize("bars", [2, 4])
def test_floor_matches_a_monte_carlo_estimate(bars):
    grammar = MelodyGrammar(bars)
    rng = np.random.default_rng(7)
    n = 3000
    texts = [grammar.sample(rng) for _ in range(n)]
    nll = np.array([-math.log(grammar.probability(t)) for t in texts])
    lengths = np.array([len(t.split()) + 1 for t in texts])
    assert lengths.mean() == pytest.approx(grammar.mean_tokens(), rel=0.02)
    estimate = nll.mean() / grammar.mean_tokens()
    stderr = nll.std() / math.sqrt(n) / grammar.mean_tokens()
    assert abs(estimate - grammar.entropy_per_token()) < 4 * stderr


def test_sampled_melodies_are_valid_seeded_and_fill_their_bars():
    grammar = MelodyGrammar()
    texts = melody_corpus(100, seed=3)
    assert texts == melody_corpus(100, seed=3) and texts != melody_corpus(100, seed=4)
    for text in texts:
        assert grammar.accepts(text)
        words = text.split()
        assert words[0] in KEYS and words.count(BAR) == 4 and words[-1] == BAR
        played = notes(text)
        assert sum(beats for _, beats, _, _ in played) == 16  # 4 bars of 4 beats
        tonic = KEYS[words[0]]
        assert played[-1][2] in (tonic, tonic + 12)           # ends on the tonic


def test_broken_melodies_are_invalid():
    grammar = MelodyGrammar()
    text = melody_corpus(1, seed=0)[0]
    words = text.split()
    assert grammar.accepts(text)
    last = len(words) - 3                                      # the final note's degree
    assert words[last] in ("do", "do'")
    assert not grammar.accepts(" ".join(words[:last] + ["re"] + words[last + 1:]))
    assert not grammar.accepts(" ".join(w for i, w in enumerate(words)
                                        if not (w == BAR and i == words.index(BAR))))
    assert not grammar.accepts(" ".join(["amajor"] + words[1:]))
    assert not grammar.accepts(" ".join(words[:2] + ["whole"] + words[3:]))  # a bar too long
    assert not grammar.accepts(text + " do quarter")
    assert not grammar.accepts("")


def test_notes_follow_the_key():
    text = "gmajor do quarter ti quarter do' half bar"
    assert notes(text) == [(0.0, 1.0, 67, "G4"), (1.0, 1.0, 78, "F#5"), (2.0, 2.0, 79, "G5")]
    assert degree_pitch("fmajor", 3) == 70 and pitch_name(70, "fmajor") == "Bb4"
    assert len(SOLFEGE) == 8 and DURATIONS["whole"] == 8


def test_synthesised_tone_has_the_note_s_pitch_and_length():
    text = "cmajor la whole bar"                               # A4 = 440 Hz for 4 beats
    audio = synthesise(text, tempo=120, sample_rate=22050)
    assert audio.shape == (2 * 22050,)                         # 4 beats at 120 bpm = 2 s
    assert np.abs(audio).max() <= 1.0 and np.sqrt(np.mean(audio ** 2)) > 0.05
    spectrum = np.abs(np.fft.rfft(audio))
    peak = np.fft.rfftfreq(audio.size, 1 / 22050)[np.argmax(spectrum)]
    assert peak == pytest.approx(440.0, abs=1.0)
    assert abs(audio[0]) < 1e-3 and abs(audio[-1]) < 1e-3     # the envelope starts/ends at 0


def test_wav_file_is_valid(tmp_path):
    text = melody_corpus(1, seed=5)[0]
    beats = sum(b for _, b, _, _ in notes(text))
    path = write_wav(tmp_path / "m.wav", text, tempo=90, sample_rate=16000)
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        assert w.getnframes() / 16000 == pytest.approx(beats * 60 / 90, abs=1e-3)
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert frames.std() > 500                                  # not silence
    head = path.read_bytes()[:12]
    assert head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    with wave.open(io.BytesIO(wav_bytes(np.zeros(10))), "rb") as w:
        assert w.getnframes() == 10


def test_bad_input_names_the_value():
    with pytest.raises(ValueError, match="bars must be >= 1, got 0"):
        MelodyGrammar(0)
    with pytest.raises(ValueError, match="bars must be <= 4, got 9"):
        MelodyGrammar(9)
    with pytest.raises(TypeError, match="bars must be an integer"):
        MelodyGrammar(2.5)
    with pytest.raises(ValueError, match="tempo must be <= 240, got 1000"):
        synthesise("cmajor do whole bar", tempo=1000)
    with pytest.raises(ValueError, match="starts with its key"):
        notes("do whole bar")
    with pytest.raises(ValueError, match="expected a degree and a duration, got 'do' 'long'"):
        notes("cmajor do long bar")
    with pytest.raises(TypeError, match="text must be a str"):
        MelodyGrammar().parse(3)
    with pytest.raises(ValueError, match=r"audio must be \(n_samples,\)"):
        wav_bytes(np.zeros((2, 2)))
