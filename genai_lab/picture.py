"""Pictures from a probabilistic picture grammar: a small world of sun, moon, trees and houses.

Like the sentence grammar of ``genai_lab.corpus``, the pictures come from a generating
process we *know*, so the numbers that are unknowable for real images are exact here:
the probability of every picture, the entropy floor per token, and whether a generated
picture is valid (one the grammar can draw).

A picture is a ``size`` x ``size`` grid of colour names (``size`` 8 to 10, default 8). The
grammar draws a scene in these steps, each a weighted choice:

    time      day (a light sky and a sun) or night (a dark sky, a moon and one star)
    body      where the 2 x 2 sun or moon sits, in the top three rows
    star      at night, which sky pixel of the top three rows holds the star
    ground    how many rows of grass at the bottom (1 or 2 on an 8 x 8 picture)
    count     how many things stand on the grass: none, one or two
    places    their left columns (3 pixels wide each, at least one column apart)
    kinds     tree or house, for each
    variants  green or autumn leaves; white or brick walls (a house's window is lit at night)

The scene is then painted (sky, body, star, grass, things), giving the picture. The
preprocessing reads the picture in raster order, row by row, left to right, as ImageGPT
does: one token per pixel, its colour name, so a picture is a "sentence" of
``size * size`` words that the course's ``WordTokenizer`` encodes like any text:
``[CLS] sky sky sun sun ... grass [SEP]``.

Every scene paints a different picture (``PictureGrammar.distribution`` checks it), so the
entropy of the pictures is the entropy of the scenes, computed exactly by enumerating them.
"""
from __future__ import annotations

import bisect
import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genai_lab.checks import check_array, check_int, check_rng, show_value

#: Every colour a pixel can have, with its RGB value, in token order.
PALETTE: dict[str, tuple[int, int, int]] = {
    "sky": (135, 206, 235), "night": (25, 25, 80), "sun": (255, 204, 0),
    "moon": (225, 225, 215), "star": (255, 255, 160), "grass": (60, 160, 60),
    "trunk": (120, 72, 30), "leaf": (20, 110, 40), "autumn": (225, 120, 20),
    "roof": (150, 30, 30), "wall": (235, 225, 200), "brick": (185, 80, 60),
    "door": (90, 50, 20), "glass": (170, 220, 255), "light": (255, 225, 90),
}
COLOURS = tuple(PALETTE)
SIZES = (8, 10)  # smallest and largest picture size (pixels per side)
THING = 3  # a tree or a house is THING x THING pixels

# The weighted choices of the grammar (weights are normalised per choice).
TIMES = (("day", 0.6), ("night", 0.4))
COUNTS = ((0, 0.1), (1, 0.45), (2, 0.45))
KINDS = (("tree", 0.5), ("house", 0.5))
VARIANTS = {"tree": (("leaf", 0.5), ("autumn", 0.5)), "house": (("wall", 0.5), ("brick", 0.5))}


@dataclass(frozen=True)
class Scene:
    """Every choice the grammar made for one picture."""

    size: int  # pixels per side
    time: str  # "day" or "night"
    body: tuple[int, int]  # (row, column) of the top-left pixel of the 2 x 2 sun or moon
    star: tuple[int, int] | None  # (row, column) of the star at night, None by day
    ground: int  # rows of grass at the bottom
    things: tuple[tuple[str, int, str], ...]  # (kind, left column, variant), left to right


# ------------------------------------------------------------------ the grammar's choices
def ground_options(size: int) -> tuple[int, ...]:
    """How many rows of grass a picture of ``size`` may have: size // 8 or one more."""
    return (size // 8, size // 8 + 1)


def _star_cells(size: int, body: tuple[int, int]) -> list[tuple[int, int]]:
    """Sky pixels of the top three rows that the moon does not cover."""
    r, c = body
    return [(i, j) for i in range(3) for j in range(size)
            if not (r <= i < r + 2 and c <= j < c + 2)]


def _place_options(size: int, count: int) -> list[tuple[int, ...]]:
    """Left columns of ``count`` things, left to right, with a gap of >= 1 column."""
    lefts = range(size - THING + 1)
    if count == 0:
        return [()]
    if count == 1:
        return [(x,) for x in lefts]
    return [(a, b) for a in lefts for b in lefts if b >= a + THING + 1]


def _uniform(values) -> list[tuple[object, float]]:
    values = list(values)
    return [(v, 1.0 / len(values)) for v in values]


def _steps(size: int):
    """The choices in order: (name, function of the choices so far -> [(value, prob)])."""
    return (
        ("time", lambda s: list(TIMES)),
        ("body", lambda s: _uniform((r, c) for r in range(2) for c in range(size - 1))),
        ("star", lambda s: _uniform(_star_cells(size, s["body"])) if s["time"] == "night"
         else [(None, 1.0)]),
        ("ground", lambda s: _uniform(ground_options(size))),
        ("count", lambda s: list(COUNTS)),
        ("places", lambda s: _uniform(_place_options(size, s["count"]))),
        ("kinds", lambda s: _product([KINDS] * s["count"])),
        ("variants", lambda s: _product([VARIANTS[k] for k in s["kinds"]])),
    )


def _product(choice_lists) -> list[tuple[tuple, float]]:
    """Independent choices made together: every combination with the product probability."""
    out: list[tuple[tuple, float]] = [((), 1.0)]
    for options in choice_lists:
        out = [(values + (v,), p * q) for values, p in out for v, q in options]
    return out


def _scene(size: int, s: dict) -> Scene:
    things = tuple((k, x, v) for k, x, v in zip(s["kinds"], s["places"], s["variants"]))
    return Scene(size=size, time=s["time"], body=s["body"], star=s["star"],
                 ground=s["ground"], things=things)


# ------------------------------------------------------------------ painting
def paint(scene: Scene) -> np.ndarray:
    """The picture of ``scene``: a (size, size) array of colour names (dtype object)."""
    n = scene.size
    night = scene.time == "night"
    grid = np.full((n, n), "night" if night else "sky", dtype=object)  # (H, W)
    r, c = scene.body
    grid[r:r + 2, c:c + 2] = "moon" if night else "sun"
    if scene.star is not None:
        grid[scene.star] = "star"
    grid[n - scene.ground:, :] = "grass"
    top = n - scene.ground - THING  # first row of a thing standing on the grass
    for kind, x, variant in scene.things:
        if kind == "tree":
            grid[top:top + 2, x:x + 3] = variant                # the crown
            grid[top + 2, x + 1] = "trunk"
        else:
            grid[top, x:x + 3] = "roof"
            grid[top + 1:top + 3, x:x + 3] = variant            # the walls
            grid[top + 1, x + 1] = "light" if night else "glass"
            grid[top + 2, x + 1] = "door"
    return grid


def to_text(grid: np.ndarray) -> str:
    """A picture (H, W) as raster-order text: its colour names, row by row, one space apart."""
    return " ".join(grid.ravel().tolist())


def from_text(text: str, size: int) -> np.ndarray:
    """Inverse of ``to_text``: (size, size) colour names; ValueError if it is not a picture."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {show_value(text)} ({type(text).__name__})")
    words = text.split()
    if len(words) != size * size:
        raise ValueError(f"a {size} x {size} picture has {size * size} pixels, "
                         f"got {len(words)} tokens")
    unknown = sorted(set(words) - set(COLOURS))
    if unknown:
        raise ValueError(f"unknown colour(s) {unknown[:5]}; colours are {list(COLOURS)}")
    return np.array(words, dtype=object).reshape(size, size)


# ------------------------------------------------------------------ the grammar
class PictureGrammar:
    """The picture grammar at one ``size``: sampling, exact probabilities, entropy, validity."""

    def __init__(self, size: int = 8):
        self.size = check_int("size", size, minimum=SIZES[0], maximum=SIZES[1])
        self._steps = _steps(self.size)
        self._distribution: dict[str, float] | None = None  # lazy enumeration

    def sample_scene(self, rng: np.random.Generator) -> Scene:
        """One scene, one ``rng.random()`` per choice."""
        check_rng("rng", rng)
        s: dict = {}
        for name, options in self._steps:
            opts = options(s)
            cumulative = np.cumsum([p for _, p in opts]).tolist()
            i = min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]),
                    len(opts) - 1)
            s[name] = opts[i][0]
        return _scene(self.size, s)

    def sample(self, rng: np.random.Generator) -> str:
        """One picture as raster-order text (``size * size`` colour names)."""
        return to_text(paint(self.sample_scene(rng)))

    def scenes(self) -> list[tuple[Scene, float]]:
        """Every scene with its probability (the product of its choices' probabilities)."""
        out: list[tuple[Scene, float]] = []

        def walk(i: int, s: dict, p: float) -> None:
            if i == len(self._steps):
                out.append((_scene(self.size, s), p))
                return
            name, options = self._steps[i]
            for value, q in options(s):
                walk(i + 1, {**s, name: value}, p * q)

        walk(0, {}, 1.0)
        return out

    def distribution(self) -> dict[str, float]:
        """Exact probability of every picture (as text). Raises if two scenes paint alike."""
        if self._distribution is None:
            dist: dict[str, float] = {}
            for scene, p in self.scenes():
                text = to_text(paint(scene))
                if text in dist:  # pragma: no cover - the grammar is built to avoid it
                    raise RuntimeError(f"two scenes paint the same picture: {scene}")
                dist[text] = p
            self._distribution = dist
        return self._distribution

    def probability(self, text: str) -> float:
        """Exact probability that the grammar draws the picture ``text`` (0 if it cannot)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {show_value(text)} "
                            f"({type(text).__name__})")
        return self.distribution().get(" ".join(text.split()), 0.0)

    def accepts(self, text: str) -> bool:
        """True if the grammar can draw the picture ``text`` (a valid picture)."""
        return self.probability(text) > 0.0

    def tokens_per_picture(self) -> int:
        """Predictions per picture: one per pixel plus the final [SEP]."""
        return self.size * self.size + 1

    def entropy_per_picture(self) -> float:
        """Entropy of the picture distribution in nats: -sum p ln p."""
        return float(-math.fsum(p * math.log(p) for p in self.distribution().values()))

    def entropy_per_token(self) -> float:
        """The entropy floor: the lowest mean loss per predicted token any model can reach."""
        return self.entropy_per_picture() / self.tokens_per_picture()

    def summary(self) -> dict[str, float]:
        """The grammar's key numbers."""
        return {"size": self.size, "n_pictures": len(self.distribution()),
                "n_colours": len(COLOURS), "tokens_per_picture": self.tokens_per_picture(),
                "entropy_per_picture": self.entropy_per_picture(),
                "entropy_per_token": self.entropy_per_token()}

    def __repr__(self) -> str:
        return f"PictureGrammar(size={self.size})"


def pixel_entropy(grammar: PictureGrammar) -> np.ndarray:
    """Exact uncertainty of each pixel given the pixels before it, in raster order.

    Returns (size, size) nats: H(pixel_i | pixels_<i) = H(pixels_<=i) - H(pixels_<i),
    the entropy of the first i+1 pixels minus that of the first i. They add up to
    ``entropy_per_picture()`` (the final [SEP] is certain).
    """
    if not isinstance(grammar, PictureGrammar):
        raise TypeError(f"grammar must be a PictureGrammar, got {type(grammar).__name__}")
    dist = grammar.distribution()
    index = {c: i for i, c in enumerate(COLOURS)}
    grid = np.array([[index[w] for w in text.split()] for text in dist])  # (N, H*W)
    p = np.fromiter(dist.values(), dtype=np.float64)                       # (N,)
    prefix = np.zeros(len(p), dtype=np.int64)  # id of each picture's prefix so far
    before, out = 0.0, []
    for i in range(grid.shape[1]):
        _, prefix = np.unique(prefix * len(COLOURS) + grid[:, i], return_inverse=True)
        mass = np.bincount(prefix, weights=p)                              # (prefixes,)
        h = float(-np.sum(mass * np.log(mass)))
        out.append(h - before)
        before = h
    return np.array(out).reshape(grammar.size, grammar.size)


def picture_corpus(n_samples: int = 4000, seed: int = 0, size: int = 8) -> list[str]:
    """``n_samples`` pictures (as text) drawn from ``PictureGrammar(size)`` with ``seed``."""
    n_samples = check_int("n_samples", n_samples, minimum=1)
    grammar = PictureGrammar(size)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    return [grammar.sample(rng) for _ in range(n_samples)]


# ------------------------------------------------------------------ images and PNG files
def to_rgb(picture, scale: int = 1) -> np.ndarray:
    """RGB image of a picture (text or (H, W) colour names): (H * scale, W * scale, 3) uint8.

    A colour name that is not in ``PALETTE`` (an invalid token) is painted magenta.
    """
    scale = check_int("scale", scale, minimum=1, maximum=64)
    if isinstance(picture, str):
        words = picture.split()
        side = math.isqrt(len(words))
        if side == 0 or side * side != len(words):
            raise ValueError(f"a picture's text must hold a square number of colour names, "
                             f"got {len(words)}")
        picture = np.array(words, dtype=object).reshape(side, side)
    grid = np.asarray(picture, dtype=object)
    if grid.ndim != 2:
        raise ValueError(f"picture must be (H, W) colour names, got shape {grid.shape}")
    lut = {name: np.array(rgb, dtype=np.uint8) for name, rgb in PALETTE.items()}
    magenta = np.array((255, 0, 255), dtype=np.uint8)
    rgb = np.stack([lut.get(v, magenta) for v in grid.ravel()]).reshape(*grid.shape, 3)
    return np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)  # (H*s, W*s, 3)


def png_bytes(rgb: object) -> bytes:
    """An RGB image (H, W, 3) uint8 as the bytes of a PNG file (8-bit truecolour, zlib)."""
    img = check_array("rgb", rgb, ndim=3, kind="i")
    if img.shape[2] != 3 or img.shape[0] == 0 or img.shape[1] == 0:
        raise ValueError(f"rgb must have shape (H, W, 3), got {img.shape}")
    if img.min() < 0 or img.max() > 255:
        raise ValueError("rgb values must lie in 0..255")
    h, w, _ = img.shape
    rows = np.concatenate([np.zeros((h, 1), np.uint8),                 # filter byte 0 per row
                           img.astype(np.uint8).reshape(h, w * 3)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8 bits, RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9)) + chunk(b"IEND", b""))


def write_png(path, rgb: object) -> Path:
    """Write an RGB image (H, W, 3) uint8 to ``path`` as PNG; returns the Path."""
    data = png_bytes(rgb)
    path = Path(path)
    path.write_bytes(data)
    return path
