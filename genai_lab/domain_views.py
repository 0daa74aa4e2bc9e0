"""Pictures to look at and melodies to hear: figures and players for ``genai_lab.domains``.

* :func:`picture_grid`: pictures (as text) side by side in one figure, with alt text;
* :func:`pixel_maps`: per-pixel uncertainty of the data next to the model's loss;
* :func:`piano_roll`: a melody as a piano roll (time across, pitch up, one bar per note);
* :func:`audio_player`: a melody as an HTML ``<audio>`` element whose WAV file is inside
  the page (a ``data:`` URI), so it plays offline, without a kernel;
* :func:`melody_card`: the player and the piano roll side by side.

Every alt text is built from the same numbers the figure draws.
"""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from genai_lab.checks import check_int, check_str
from genai_lab.display.figures import FigureStyle, FigureWithAlt, figure_with_alt, new_figure
from genai_lab.melody import KEYS, SAMPLE_RATE, TEMPO, notes, synthesise, wav_bytes
from genai_lab.picture import to_rgb

#: Sample rate of the players embedded in a page: a quarter of a CD's is enough for these
#: tones (the highest overtone is below 3 kHz) and keeps a melody near 200 kB.
PAGE_SAMPLE_RATE = 11025


def _texts(name: str, texts: object, maximum: int) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence) or not texts:
        raise TypeError(f"{name} must be a non-empty list of str, got {type(texts).__name__}")
    if len(texts) > maximum:
        raise ValueError(f"{name} may hold at most {maximum} items, got {len(texts)}")
    return [check_str(f"{name}[{i}]", t) for i, t in enumerate(texts)]


def picture_grid(texts: Sequence[str], labels: Sequence[str] | None = None, *,
                 ncols: int = 8, title: str = "", alt: str = "") -> FigureWithAlt:
    """Pictures (raster-order text) in a grid of ``ncols`` columns, each with its label.

    ``alt`` (what the pictures show) is required in spirit: if empty, a plain one counting
    the pictures is used.
    """
    texts = _texts("texts", texts, 64)  # at most 8 x 8 pictures
    ncols = check_int("ncols", ncols, minimum=1, maximum=8)
    if labels is not None and len(labels) != len(texts):
        raise ValueError(f"labels must have one entry per picture ({len(texts)}), "
                         f"got {len(labels)}")
    ncols = min(ncols, len(texts))
    nrows = -(-len(texts) // ncols)
    style = FigureStyle(width=1.1 * ncols, height=1.1 * nrows + (0.3 if title else 0.0))
    fig, axes = new_figure(nrows, ncols, style=style)
    for i, ax in enumerate(np.atleast_1d(axes).ravel()):
        ax.set_axis_off()
        if i < len(texts):
            ax.imshow(to_rgb(texts[i]), interpolation="nearest")
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    return figure_with_alt(fig, alt or f"{len(texts)} small pictures in a grid.")


def pixel_maps(entropy: object, loss: object) -> FigureWithAlt:
    """Two (H, W) maps side by side: the data's uncertainty per pixel (given the pixels
    before it) and the model's mean loss per pixel, on one colour scale, in nats."""
    entropy, loss = np.asarray(entropy, dtype=float), np.asarray(loss, dtype=float)
    if entropy.ndim != 2 or entropy.shape != loss.shape:
        raise ValueError(f"entropy and loss must be (H, W) maps of one shape, got "
                         f"{entropy.shape} and {loss.shape}")
    top = float(max(entropy.max(), loss.max()))
    fig, axes = new_figure(1, 2, style=FigureStyle(width=7.0, height=3.4, font_size=9))
    for ax, values, title in zip(axes, (entropy, loss),
                                 ("uncertainty in the data", "loss of the trained model")):
        ax.imshow(values, cmap="Blues", vmin=0.0, vmax=top)
        ax.grid(False)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{title} (nats)")
        for (r, c), v in np.ndenumerate(values):
            ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=6,
                    color="white" if v > 0.6 * top else "black")
    gap = float(np.abs(loss - entropy).max())
    r, c = np.unravel_index(np.argmax(entropy), entropy.shape)
    alt = (f"Two {entropy.shape[0]} x {entropy.shape[1]} maps of numbers. Left: how "
           f"uncertain each pixel is given the pixels before it, at most {entropy.max():.2f} "
           f"nats (row {r + 1}, column {c + 1}), and {int((entropy < 0.01).sum())} pixels "
           f"below 0.01. Right: the trained model's loss at each pixel; the two maps "
           f"differ by at most {gap:.2f} nats.")
    return figure_with_alt(fig, alt)


def _roll_alt(text: str) -> str:
    played = notes(text)
    key = text.split()[0]
    beats = sum(b for _, b, _, _ in played)
    low = min(played, key=lambda n: n[2])[3]
    high = max(played, key=lambda n: n[2])[3]
    return (f"Piano roll of a melody in {key[0].upper()} major: {len(played)} notes over "
            f"{beats:g} beats, from {low} up to {high}, ending on {played[-1][3]}.")


def piano_roll(text: str, title: str = "") -> FigureWithAlt:
    """A melody as a piano roll: one bar per note at its pitch, dotted lines between bars."""
    played = notes(text)
    key = text.split()[0]
    fig, ax = new_figure(style=FigureStyle(width=5.2, height=3.0, font_size=9))
    for start, beats, midi, _ in played:
        ax.broken_barh([(start, beats * 0.95)], (midi - 0.4, 0.8), color="#0072B2")
    total = sum(b for _, b, _, _ in played)
    for bar in range(4, int(total), 4):
        ax.axvline(bar, color="#999999", linestyle=":", linewidth=1)
    pitches = sorted({(m, name) for _, _, m, name in played})
    ax.set_yticks([m for m, _ in pitches], [name for _, name in pitches])
    ax.set_ylim(min(m for m, _ in pitches) - 1, max(m for m, _ in pitches) + 1)
    ax.set_xlim(0, total)
    ax.set_xlabel("beat")
    ax.set_title(title or f"{key[0].upper()} major, {total:g} beats")
    return figure_with_alt(fig, _roll_alt(text))


@dataclass(frozen=True)
class AudioPlayer:
    """A WAV file and its HTML ``<audio controls>`` element (the file inside a data URI)."""

    wav: bytes  # the whole WAV file
    label: str  # what the melody is, for screen readers

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.wav).decode("ascii")
        return (f'<audio class="genai-audio" controls preload="auto" '
                f'aria-label="{html.escape(self.label, quote=True)}" '
                f'src="data:audio/wav;base64,{data}"></audio>')

    def __str__(self) -> str:
        return f"[audio] {self.label} ({len(self.wav)} bytes of WAV)"


def audio_player(text: str, tempo: float = TEMPO, sample_rate: int = PAGE_SAMPLE_RATE,
                 label: str = "") -> AudioPlayer:
    """An offline ``<audio>`` player of the melody ``text`` (synthesised, then embedded)."""
    wav = wav_bytes(synthesise(text, tempo, sample_rate), sample_rate)
    key = text.split()[0] if text.split() and text.split()[0] in KEYS else "?"
    return AudioPlayer(wav, label or f"a melody in {key[0].upper()} major")


@dataclass(frozen=True)
class MelodyCard:
    """A melody's player beside its piano roll, for the book (HTML) or a terminal (text)."""

    text: str  # the melody's tokens
    player: AudioPlayer
    roll: FigureWithAlt

    def _repr_html_(self) -> str:
        return ('<div class="genai-melody" style="display:flex;flex-wrap:wrap;gap:1em;'
                'align-items:center;margin:0.5em 0;">'
                f'<div>{self.player._repr_html_()}</div>'
                f'<div style="flex:1;min-width:260px;">{self.roll._repr_html_()}</div></div>')

    def __str__(self) -> str:
        return f"{self.text}\n{self.player}\n{self.roll}"


def melody_card(text: str, title: str = "", tempo: float = TEMPO) -> MelodyCard:
    """The player of ``text`` next to its piano roll."""
    return MelodyCard(text, audio_player(text, tempo), piano_roll(text, title))


__all__ = ["PAGE_SAMPLE_RATE", "SAMPLE_RATE", "AudioPlayer", "MelodyCard", "audio_player",
           "melody_card", "piano_roll", "picture_grid", "pixel_maps"]
