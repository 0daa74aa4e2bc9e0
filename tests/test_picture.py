"""The picture grammar: exact probabilities, the entropy floor, validity, images and PNG files."""
from __future__ import annotations

import math
import struct
import zlib

import numpy as np
import pytest

from genai_lab.picture import (COLOURS, PALETTE, PictureGrammar, from_text, paint, png_bytes,
                               picture_corpus, to_rgb, to_text, write_png)


@pytest.fixture(scope="module")
def grammar() -> PictureGrammar:
    return PictureGrammar(8)


def _count_pictures(size: int) -> int:
    """The number of scenes, counted by hand from the rules in the module docstring."""
    bodies = 2 * (size - 1)                      # 2 rows x (size - 1) columns
    stars = 3 * size - 4                         # top three rows minus the moon's 4 pixels
    lefts = size - 3 + 1
    pairs = sum(1 for a in range(lefts) for b in range(lefts) if b >= a + 4)
    things = 1 + lefts * 2 * 2 + pairs * 4 * 4   # none; one (kind x variant); two
    return (bodies * 1 + bodies * stars) * 2 * things  # (day + night) x grounds x things


def test_probabilities_sum_to_one_and_every_scene_paints_a_different_picture(grammar):
    dist = grammar.distribution()
    assert math.fsum(dist.values()) == pytest.approx(1.0, abs=1e-12)
    assert len(dist) == _count_pictures(8) == len(grammar.scenes())
    assert min(dist.values()) > 0


def test_the_day_has_probability_0_6_exactly(grammar):
    day = math.fsum(p for text, p in grammar.distribution().items() if "sun" in text.split())
    assert day == pytest.approx(0.6, abs=1e-12)


def test_floor_is_the_entropy_per_predicted_token(grammar):
    dist = grammar.distribution()
    h = -math.fsum(p * math.log(p) for p in dist.values())
    assert grammar.entropy_per_picture() == pytest.approx(h)
    assert grammar.tokens_per_picture() == 65  # 64 pixels and [SEP]
    assert grammar.entropy_per_token() == pytest.approx(h / 65)


def test_floor_matches_a_monte_carlo_estimate(grammar):
    rng = np.random.default_rng(123)
    n = 3000
    nll = np.array([-math.log(grammar.probability(grammar.sample(rng))) for _ in range(n)])
    estimate = nll.mean() / grammar.tokens_per_picture()
    stderr = nll.std() / math.sqrt(n) / grammar.tokens_per_picture()
    assert abs(estimate - grammar.entropy_per_token()) < 4 * stderr


def test_sampled_pictures_are_valid_and_seeded(grammar):
    a = picture_corpus(50, seed=4)
    assert all(grammar.accepts(t) for t in a)
    assert a == picture_corpus(50, seed=4)
    assert a != picture_corpus(50, seed=5)
    assert all(len(t.split()) == 64 for t in a)


def test_changing_one_pixel_makes_a_picture_invalid(grammar):
    text = picture_corpus(1, seed=0)[0]
    words = text.split()
    for i in (0, 27, 63):
        changed = words.copy()
        changed[i] = "door" if words[i] != "door" else "sky"
        assert not grammar.accepts(" ".join(changed))
        assert grammar.probability(" ".join(changed)) == 0.0
    assert not grammar.accepts(" ".join(words[:-1]))  # a pixel short
    assert grammar.accepts(text)


def test_painting_puts_things_where_the_scene_says():
    grammar = PictureGrammar(10)
    scene = grammar.sample_scene(np.random.default_rng(1))
    grid = paint(scene)
    assert grid.shape == (10, 10)
    r, c = scene.body
    body = "sun" if scene.time == "day" else "moon"
    assert (grid[r:r + 2, c:c + 2] == body).all()
    assert (grid[10 - scene.ground:] == "grass").all()
    assert from_text(to_text(grid), 10).tolist() == grid.tolist()


def test_rgb_image_has_the_palette_colours_and_the_right_size(grammar):
    text = picture_corpus(1, seed=2)[0]
    img = to_rgb(text, scale=3)
    assert img.shape == (24, 24, 3) and img.dtype == np.uint8
    words = text.split()
    assert tuple(img[0, 0]) == PALETTE[words[0]]
    assert tuple(img[23, 23]) == PALETTE[words[63]]
    bad = " ".join(["sky"] * 63 + ["nonsense"])
    assert tuple(to_rgb(bad)[7, 7]) == (255, 0, 255)  # unknown colour in magenta


def test_png_round_trip(tmp_path):
    import matplotlib.image as mpimg

    img = to_rgb(picture_corpus(1, seed=3)[0], scale=4)        # (32, 32, 3)
    path = write_png(tmp_path / "p.png", img)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (32, 32)
    back = mpimg.imread(path)
    assert back.shape[:2] == (32, 32)
    np.testing.assert_array_equal(np.round(back[..., :3] * 255).astype(np.uint8), img)
    # every chunk's CRC is right
    i = 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        kind_and_data = data[i + 4:i + 8 + length]
        (crc,) = struct.unpack(">I", data[i + 8 + length:i + 12 + length])
        assert zlib.crc32(kind_and_data) & 0xFFFFFFFF == crc
        i += 12 + length


def test_bad_input_names_the_value():
    with pytest.raises(ValueError, match="size must be >= 8, got 7"):
        PictureGrammar(7)
    with pytest.raises(ValueError, match="size must be <= 10, got 16"):
        PictureGrammar(16)
    with pytest.raises(TypeError, match="size must be an integer"):
        PictureGrammar("8")
    with pytest.raises(ValueError, match="scale must be <= 64, got 100"):
        to_rgb(" ".join(["sky"] * 64), scale=100)
    with pytest.raises(ValueError, match="square number"):
        to_rgb("sky sky sky")
    with pytest.raises(ValueError, match=r"shape \(H, W, 3\)"):
        png_bytes(np.zeros((4, 4, 4), np.uint8))
    with pytest.raises(ValueError, match="unknown colour"):
        from_text(" ".join(["blue"] * 64), 8)
    with pytest.raises(TypeError, match="text must be a str"):
        PictureGrammar().probability(None)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        PictureGrammar().sample(0)
    assert set(COLOURS) == set(PALETTE)


def test_pixel_entropy_adds_up_to_the_picture_entropy(grammar):
    from genai_lab.picture import pixel_entropy

    per_pixel = pixel_entropy(grammar)
    assert per_pixel.shape == (8, 8)
    assert per_pixel.sum() == pytest.approx(grammar.entropy_per_picture(), rel=1e-9)
    assert (per_pixel > -1e-12).all()
    # the first pixel: day or night, and the moon or the star in the corner at night
    first = {}
    for text, p in grammar.distribution().items():
        first[text.split()[0]] = first.get(text.split()[0], 0.0) + p
    assert per_pixel[0, 0] == pytest.approx(-sum(p * math.log(p) for p in first.values()))
    assert per_pixel[-1].max() < 1e-12  # the bottom row is always grass
