"""Melodies from a probabilistic melody grammar: a key, a scale, two phrases, two cadences.

Like the sentence grammar of ``genai_lab.corpus`` and the picture grammar of
``genai_lab.picture``, the melodies come from a process we *know*, so the probability of
every melody, the entropy floor per token and the validity of a generated melody are exact.

A melody is in 4/4 time and has two phrases of ``bars`` bars each (``bars`` 1 to 4, default
2: eight beats per phrase). The grammar makes these weighted choices:

    key      C, D, F or G major; the notes are the scale's degrees 0..7 (tonic to octave)
    rhythm   per bar, one of a few rhythms that fill its four beats (``RHYTHMS``); the
             last bar of a phrase takes a cadence rhythm that ends on a long note
    first    the first note: the tonic, the third or the fifth (degree 0, 2 or 4)
    steps    every other note moves from the one before by -2..+2 scale steps
             (``STEPS``, renormalised so the melody stays in 0..7)
    cadence  the last note of phrase 1 is a half cadence (degree 4, the dominant, or 1);
             the last note of the melody is the tonic (degree 0, or 7 from high up)

The preprocessing writes a melody as note/duration tokens, a "sentence" the course's
``WordTokenizer`` encodes like any text: the key, then per note its pitch and its length,
and ``bar`` after every bar. A pitch is written as its scale degree in movable-do
solfege (``do re mi fa sol la ti do'``, the way singers read a melody in any key): the
key token says where ``do`` is, so the same tune in G and in C differs in one token:

    gmajor  mi quarter  re quarter  do half  bar  ...  do whole  bar

Every melody has exactly one derivation (the rhythm of a bar is read from its durations,
a scale step from two degrees), so the entropy of the melodies is the entropy of the
choices, computed exactly by a dynamic programme over the degree of the previous note.
"""
from __future__ import annotations

import io
import math
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genai_lab.checks import check_float, check_int, check_rng, show_value

#: Tonic (MIDI note number) of each key and its token.
KEYS = {"cmajor": 60, "dmajor": 62, "fmajor": 65, "gmajor": 67}
SCALE = (0, 2, 4, 5, 7, 9, 11, 12)  # semitones above the tonic of degrees 0..7 (major)
DEGREES = len(SCALE)
SOLFEGE = ("do", "re", "mi", "fa", "sol", "la", "ti", "do'")  # the token of each degree
#: Note lengths in eighths, with their tokens.
DURATIONS = {"eighth": 1, "quarter": 2, "half": 4, "whole": 8}
BAR = "bar"  # the token after every bar
BEATS_PER_BAR = 4
BARS = (1, 4)  # fewest and most bars per phrase

# The weighted choices (weights are normalised per choice).
RHYTHMS = ((("quarter",) * 4, 0.35), (("half", "quarter", "quarter"), 0.2),
           (("quarter", "quarter", "half"), 0.15),
           (("eighth", "eighth", "quarter", "quarter", "quarter"), 0.15),
           (("half", "half"), 0.15))
CADENCE_RHYTHMS = ((("quarter", "quarter", "half"), 0.5), (("half", "half"), 0.3),
                   (("whole",), 0.2))
FIRST = ((0, 0.5), (2, 0.25), (4, 0.25))
STEPS = ((-2, 0.15), (-1, 0.3), (0, 0.1), (1, 0.3), (2, 0.15))
HALF_CADENCE = ((4, 0.7), (1, 0.3))

_FLATS = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_SHARPS = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
#: Spelling of the twelve pitch classes in each key (for labels; the tokens are solfege).
_NAMES = {"cmajor": _FLATS, "fmajor": _FLATS, "dmajor": _SHARPS, "gmajor": _SHARPS}


def pitch_name(midi: int, key: str = "cmajor") -> str:
    """Name of a MIDI note, spelled for ``key``: 60 -> "C4", 66 -> "F#4", 70 -> "Bb4"."""
    return f"{_NAMES[key][midi % 12]}{midi // 12 - 1}"


def degree_pitch(key: str, degree: int) -> int:
    """MIDI note number of scale ``degree`` (0..7) in ``key``."""
    return KEYS[key] + SCALE[degree]


# ------------------------------------------------------------------ the choices
def step_options(previous: int) -> list[tuple[int, float]]:
    """Degrees the next note may take after ``previous``, with probabilities."""
    opts = [(previous + s, w) for s, w in STEPS if 0 <= previous + s < DEGREES]
    total = sum(w for _, w in opts)
    return [(d, w / total) for d, w in opts]


def final_tonic(previous: int) -> int:
    """The melody ends on the tonic nearer the note before: degree 0, or 7 from 4 up."""
    return 0 if previous < 4 else 7


def note_options(role: str, previous: int | None) -> list[tuple[int, float]]:
    """Degree options of a note by its role: "first", "step", "half" or "final" cadence."""
    if role == "half":
        return list(HALF_CADENCE)
    if role == "final":
        return [(final_tonic(previous), 1.0)]
    if role == "first" or previous is None:
        return list(FIRST)
    return step_options(previous)


def bar_rhythms(bar: int, bars: int) -> tuple:
    """Rhythm options of bar ``bar`` (0-based) of a melody with ``bars`` bars per phrase."""
    return CADENCE_RHYTHMS if bar % bars == bars - 1 else RHYTHMS


def note_roles(bar: int, bars: int, n_notes: int) -> list[str]:
    """The role of each note of a bar: cadence notes end phrases, the first note starts."""
    roles = ["step"] * n_notes
    if bar == 0:
        roles[0] = "first"
    if bar % bars == bars - 1:
        roles[-1] = "final" if bar == 2 * bars - 1 else "half"
    return roles


def _entropy(options) -> float:
    return -math.fsum(p * math.log(p) for _, p in options)


@dataclass(frozen=True)
class Melody:
    """Every choice the grammar made: the key and, per bar, its rhythm and degrees."""

    key: str  # one of KEYS
    bars: tuple[tuple[tuple[str, ...], tuple[int, ...]], ...]  # (rhythm, degrees) per bar

    def tokens(self) -> list[str]:
        """The melody as tokens: key, then pitch and duration per note, ``bar`` per bar."""
        out = [self.key]
        for rhythm, degrees in self.bars:
            for dur, deg in zip(rhythm, degrees):
                out += [SOLFEGE[deg], dur]
            out.append(BAR)
        return out

    def text(self) -> str:
        return " ".join(self.tokens())


# ------------------------------------------------------------------ the grammar
class MelodyGrammar:
    """The melody grammar with ``bars`` bars per phrase: sampling, exact numbers, validity."""

    def __init__(self, bars: int = 2):
        self.bars = check_int("bars", bars, minimum=BARS[0], maximum=BARS[1])

    @staticmethod
    def _draw(options, rng: np.random.Generator):
        """One of ``options`` [(value, p)] by inverse CDF (the last if u rounds past 1)."""
        cumulative = np.cumsum([p for _, p in options])
        return options[min(int(np.searchsorted(cumulative, rng.random(), side="right")),
                           len(options) - 1)][0]

    def sample_melody(self, rng: np.random.Generator) -> Melody:
        """One melody, one ``rng.random()`` per choice."""
        check_rng("rng", rng)
        key = self._draw([(k, 1 / len(KEYS)) for k in KEYS], rng)
        bars, previous = [], None
        for b in range(2 * self.bars):
            rhythm = self._draw(bar_rhythms(b, self.bars), rng)
            degrees = []
            for role in note_roles(b, self.bars, len(rhythm)):
                previous = self._draw(note_options(role, previous), rng)
                degrees.append(previous)
            bars.append((rhythm, tuple(degrees)))
        return Melody(key=key, bars=tuple(bars))

    def sample(self, rng: np.random.Generator) -> str:
        """One melody as text (its tokens, one space apart)."""
        return self.sample_melody(rng).text()

    def parse(self, text: str) -> tuple[Melody, float] | None:
        """The melody's unique derivation and exact probability, or None if it has none."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {show_value(text)} "
                            f"({type(text).__name__})")
        words = text.split()
        if not words or words[0] not in KEYS:
            return None
        key = words[0]
        pitch_of = {name: d for d, name in enumerate(SOLFEGE)}
        p = 1.0 / len(KEYS)
        bars, previous, i = [], None, 1
        for b in range(2 * self.bars):
            if BAR not in words[i:]:
                return None
            end = words.index(BAR, i)
            notes = words[i:end]
            i = end + 1
            if len(notes) % 2 or not notes:
                return None
            pitches, rhythm = notes[0::2], tuple(notes[1::2])
            p_rhythm = dict(bar_rhythms(b, self.bars)).get(rhythm, 0.0)
            if p_rhythm == 0.0 or any(q not in pitch_of for q in pitches):
                return None
            p *= p_rhythm
            degrees = tuple(pitch_of[q] for q in pitches)
            for role, deg in zip(note_roles(b, self.bars, len(rhythm)), degrees):
                p *= dict(note_options(role, previous)).get(deg, 0.0)
                previous = deg
            if p == 0.0:
                return None
            bars.append((rhythm, degrees))
        if i != len(words):
            return None
        return Melody(key=key, bars=tuple(bars)), p

    def probability(self, text: str) -> float:
        """Exact probability that the grammar writes the melody ``text`` (0 if it cannot)."""
        parsed = self.parse(text)
        return 0.0 if parsed is None else parsed[1]

    def accepts(self, text: str) -> bool:
        """True if the grammar can write the melody ``text`` (a valid melody)."""
        return self.parse(text) is not None

    def melodies(self, limit: int = 200_000) -> list[tuple[Melody, float]]:
        """Every melody with its probability, by trying every choice (small grammars only).

        Raises ValueError if there are more than ``limit`` (``bars=1`` has a few tens of
        thousands; ``bars=4`` has billions, use the dynamic programme instead).
        """
        limit = check_int("limit", limit, minimum=1)
        out: list[tuple[Melody, float]] = []

        def notes(b, roles, previous, degrees, p, key, done, rhythm):
            if len(degrees) == len(roles):
                bar(b + 1, previous, done + ((rhythm, tuple(degrees)),), p, key)
                return
            for deg, q in note_options(roles[len(degrees)], previous):
                notes(b, roles, deg, degrees + [deg], p * q, key, done, rhythm)

        def bar(b, previous, done, p, key):
            if b == 2 * self.bars:
                if len(out) >= limit:
                    raise ValueError(f"the grammar has more than limit={limit} melodies")
                out.append((Melody(key=key, bars=done), p))
                return
            for rhythm, q in bar_rhythms(b, self.bars):
                notes(b, note_roles(b, self.bars, len(rhythm)), previous, [], p * q, key,
                      done, rhythm)

        for key in KEYS:
            bar(0, None, (), 1.0 / len(KEYS), key)
        return out

    def _programme(self) -> tuple[float, float]:
        """(entropy per melody in nats, mean tokens per melody incl. [SEP]) by a DP.

        ``prev`` is the distribution of the previous note's degree (index DEGREES = no note
        yet); every choice adds its entropy weighted by the probability of its context.
        """
        H = _entropy([(k, 1 / len(KEYS)) for k in KEYS])
        tokens = 2.0  # the key and [SEP]
        prev = np.zeros(DEGREES + 1)
        prev[DEGREES] = 1.0                                         # (DEGREES + 1,)
        for b in range(2 * self.bars):
            options = bar_rhythms(b, self.bars)
            H += _entropy(options)
            after = np.zeros_like(prev)
            for rhythm, q in options:
                tokens += q * (2 * len(rhythm) + 1)
                dist = prev.copy()
                for role in note_roles(b, self.bars, len(rhythm)):
                    nxt = np.zeros_like(dist)
                    for state in np.flatnonzero(dist):
                        before = None if state == DEGREES else int(state)
                        opts = note_options(role, before)
                        H += q * dist[state] * _entropy(opts)
                        for deg, r in opts:
                            nxt[deg] += dist[state] * r
                    dist = nxt
                after += q * dist
            prev = after
        return float(H), float(tokens)

    def entropy_per_melody(self) -> float:
        """Entropy of the melody distribution in nats (exact, by a dynamic programme)."""
        return self._programme()[0]

    def mean_tokens(self) -> float:
        """Mean predictions per melody: its tokens after [CLS], [SEP] included."""
        return self._programme()[1]

    def entropy_per_token(self) -> float:
        """The entropy floor: the lowest mean loss per predicted token any model can reach."""
        H, tokens = self._programme()
        return H / tokens

    def max_tokens(self) -> int:
        """The longest melody's tokens, [CLS] and [SEP] included."""
        longest = max(len(r) for r, _ in RHYTHMS)
        longest_cadence = max(len(r) for r, _ in CADENCE_RHYTHMS)
        per_phrase = (self.bars - 1) * (2 * longest + 1) + 2 * longest_cadence + 1
        return 3 + 2 * per_phrase

    def summary(self) -> dict[str, float]:
        H, tokens = self._programme()
        return {"bars_per_phrase": self.bars, "n_keys": len(KEYS),
                "mean_tokens": tokens, "max_tokens": self.max_tokens(),
                "entropy_per_melody": H, "entropy_per_token": H / tokens}

    def __repr__(self) -> str:
        return f"MelodyGrammar(bars={self.bars})"


def melody_corpus(n_samples: int = 4000, seed: int = 0, bars: int = 2) -> list[str]:
    """``n_samples`` melodies (as text) drawn from ``MelodyGrammar(bars)`` with ``seed``."""
    n_samples = check_int("n_samples", n_samples, minimum=1)
    grammar = MelodyGrammar(bars)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    return [grammar.sample(rng) for _ in range(n_samples)]


# ------------------------------------------------------------------ notes and sound
def notes(text: str) -> list[tuple[float, float, int, str]]:
    """The notes of a melody's tokens: (start beat, length in beats, MIDI number, name).

    The first token must be a key; ``bar`` tokens are skipped; each degree needs a duration
    token after it. ``name`` is the note's letter name in the key ("F#4"). Anything else
    (an invalid melody) raises ValueError naming the first bad token.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {show_value(text)} ({type(text).__name__})")
    words = text.split()
    if not words or words[0] not in KEYS:
        raise ValueError(f"a melody starts with its key, one of {list(KEYS)}, got "
                         f"{show_value(words[:1])}")
    key, words = words[0], [w for w in words[1:] if w != BAR]
    out, beat = [], 0.0
    for i in range(0, len(words) - 1, 2):
        degree, dur = words[i], words[i + 1]
        if degree not in SOLFEGE or dur not in DURATIONS:
            raise ValueError(f"expected a degree and a duration, got {degree!r} {dur!r}")
        midi = degree_pitch(key, SOLFEGE.index(degree))
        beats = DURATIONS[dur] / 2
        out.append((beat, beats, midi, pitch_name(midi, key)))
        beat += beats
    return out


SAMPLE_RATE = 22050  # samples per second of the WAV files
TEMPO = 120  # quarter notes per minute
TEMPOS = (40, 240)  # slowest and fastest tempo


def synthesise(text: str, tempo: float = TEMPO, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """A melody as sound: (n_samples,) float64 in [-1, 1], one soft tone per note.

    Each note is a sine at its pitch (A4 = 440 Hz, equal temperament) with two quieter
    overtones, a 10 ms attack, an exponential decay and a 20 ms release so notes do not
    click. The length is exactly the notes' beats at ``tempo`` quarter notes per minute.
    """
    tempo = check_float("tempo", tempo, minimum=TEMPOS[0], maximum=TEMPOS[1])
    sample_rate = check_int("sample_rate", sample_rate, minimum=8000, maximum=96000)
    seconds_per_beat = 60.0 / tempo
    melody = notes(text)
    total = sum(beats for _, beats, _, _ in melody)
    audio = np.zeros(int(round(total * seconds_per_beat * sample_rate)))  # (n_samples,)
    for start, beats, midi, _ in melody:
        i0 = int(round(start * seconds_per_beat * sample_rate))
        i1 = int(round((start + beats) * seconds_per_beat * sample_rate))
        t = np.arange(i1 - i0) / sample_rate                               # (n,)
        freq = 440.0 * 2.0 ** ((midi - 69) / 12)
        tone = (np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)
                + 0.1 * np.sin(6 * np.pi * freq * t)) / 1.4
        envelope = np.minimum(1.0, t / 0.01) * np.exp(-2.5 * t)
        envelope *= np.clip((t[-1] - t) / 0.02, 0.0, 1.0)                 # release
        audio[i0:i1] += 0.6 * tone * envelope
    return audio


def wav_bytes(audio: object, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Mono 16-bit PCM WAV file bytes of ``audio`` (n_samples,) in [-1, 1]."""
    sample_rate = check_int("sample_rate", sample_rate, minimum=8000, maximum=96000)
    x = np.asarray(audio, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"audio must be (n_samples,), got shape {x.shape}")
    pcm = np.round(np.clip(x, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def write_wav(path, text: str, tempo: float = TEMPO, sample_rate: int = SAMPLE_RATE) -> Path:
    """Synthesise the melody ``text`` and write it to ``path`` as a WAV file."""
    data = wav_bytes(synthesise(text, tempo, sample_rate), sample_rate)
    path = Path(path)
    path.write_bytes(data)
    return path
