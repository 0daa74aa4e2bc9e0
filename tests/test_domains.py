"""Pictures and music through the text pipeline: same model, same loop, same samplers.

The trained-model tests share one model per domain, trained once and kept in the disk cache
(``domain_model``), exactly as the chapter uses them.
"""
from __future__ import annotations

import base64
import io
import re
import wave

import numpy as np
import pytest

from genai_lab.display.figures import FigureWithAlt
from genai_lab.domain_views import (audio_player, melody_card, piano_roll, picture_grid,
                                    pixel_maps)
from genai_lab.domains import (DOMAINS, DomainModel, check_domain, domain_cache_key,
                               domain_grammar, domain_model, generate_domain, load_domain,
                               measure, position_loss, prepare_domain_data, report_table)
from genai_lab.generate import DEFAULT_SAMPLING, generation_quality
from genai_lab.melody import MelodyGrammar, notes
from genai_lab.model import TransformerLM
from genai_lab.picture import PictureGrammar, pixel_entropy
from genai_lab.sampling import SamplingConfig


@pytest.fixture(scope="session")
def picture_model() -> DomainModel:
    return domain_model("picture")


@pytest.fixture(scope="session")
def music_model() -> DomainModel:
    return domain_model("music")


@pytest.fixture(params=DOMAINS)
def dm(request, picture_model, music_model) -> DomainModel:
    return picture_model if request.param == "picture" else music_model


def test_domains_and_their_grammars():
    assert isinstance(domain_grammar("picture"), PictureGrammar)
    assert isinstance(domain_grammar("music"), MelodyGrammar)
    with pytest.raises(ValueError, match="domain must be one of .* got 'video'"):
        check_domain("video")
    with pytest.raises(TypeError, match="domain must be a str, got 3"):
        check_domain(3)
    assert domain_cache_key("picture") != domain_cache_key("music")


def test_preprocessing_is_the_text_tokenizer():
    data = prepare_domain_data("picture", n_samples=50, seed=1)
    assert data.train_ids.shape == (45, 66) and data.val_ids.shape == (5, 66)
    tok = data.tokenizer
    assert (data.train_ids[:, 0] == tok.cls_id).all() and (data.train_ids[:, -1] == tok.sep_id).all()
    assert tok.decode(data.train_ids[0]) in data.texts
    music = prepare_domain_data("music", n_samples=50, seed=1)
    assert music.train_ids.shape[1] == max(len(t.split()) for t in music.texts) + 2


def test_the_model_is_the_text_model_class(dm):
    assert type(dm.model) is TransformerLM
    assert dm.model.config.vocab_size == dm.tokenizer.vocab_size
    assert dm.trained.trace.floor == pytest.approx(dm.grammar.entropy_per_token())


def test_trained_models_reach_their_floor(dm):
    # The text model's margin (tests/test_train.py): within 0.97 .. 1.06 of the floor.
    trace = dm.trained.trace
    assert 0.97 < trace.final_over_floor < 1.06, (dm.domain, trace.final_over_floor)
    assert trace.final_val_loss < 0.9 * trace.bigram
    print(f"\n{dm.domain}: final/floor {trace.final_over_floor:.3f}, "
          f"training CPU {dm.cpu_seconds:.1f} s")


def test_default_sampling_is_valid(dm):
    report = generation_quality(dm.model, dm.tokenizer, dm.grammar, n=200, temperatures=())
    assert report.default.sampling == DEFAULT_SAMPLING
    assert report.default.acceptance >= 0.95, (dm.domain, report.default.acceptance)
    assert report.default.unfinished == 0
    assert report.default.distinct >= 50


def test_same_seed_same_picture_and_melody(dm):
    a = generate_domain(dm, 3, seed=11)
    assert a == generate_domain(dm, 3, seed=11)
    assert a != generate_domain(dm, 3, seed=12)
    greedy = SamplingConfig(method="greedy")
    assert generate_domain(dm, 2, greedy, seed=1) == generate_domain(dm, 2, greedy, seed=2)


def test_cache_entry_loads_the_same_model(dm):
    again = load_domain(dm.trained.path, dm.domain)
    for name, arr in dm.model.params.items():
        np.testing.assert_array_equal(again.model.params[name], arr)
    assert again.cpu_seconds == pytest.approx(dm.cpu_seconds)
    other = "music" if dm.domain == "picture" else "picture"
    with pytest.raises(ValueError, match=f"not a complete {other} model"):
        load_domain(dm.trained.path, other)


def test_position_loss_averages_to_the_validation_loss(dm):
    per_position = position_loss(dm)
    assert per_position.shape == (dm.trained.val_ids.shape[1] - 1,)
    if dm.domain == "picture":  # every position is a real target: the mean is the loss
        assert per_position.mean() == pytest.approx(dm.trained.trace.final_val_loss, rel=1e-6)
        floor = pixel_entropy(dm.grammar)
        maps = pixel_maps(floor, per_position[:-1].reshape(floor.shape))
        assert "Two 8 x 8 maps" in maps.alt
        assert np.abs(per_position[:-1].reshape(floor.shape) - floor).max() < 0.25


def test_measure_counts_valid_new_and_copied(picture_model):
    report = measure(picture_model, n=40, temperatures=(1.0,))
    texts = generate_domain(picture_model, 40, seed=0)
    seen = picture_model.training_texts()
    assert report.valid == sum(map(picture_model.grammar.accepts, texts))
    assert report.copied == sum(1 for t in texts if t in seen and picture_model.grammar.accepts(t))
    assert report.novel == report.valid - report.copied
    assert len(report.quality.rows) == 2
    reference = report.quality.reference  # the grammar's own draws, judged the same way
    assert reference.n == 40 and reference.accepted == 40
    table = str(report_table([report]))
    assert "picture" in table and f"{report.final_over_floor:.3f}" in table


def test_views_show_pictures_and_play_melodies(picture_model, music_model):
    pics = generate_domain(picture_model, 4, seed=3)
    grid = picture_grid(pics, [str(i) for i in range(4)], ncols=2, alt="Four pictures.")
    assert isinstance(grid, FigureWithAlt) and 'alt="Four pictures."' in grid._repr_html_()
    melody = generate_domain(music_model, 1, seed=3)[0]
    html = audio_player(melody)._repr_html_()
    data = re.search(r'src="data:audio/wav;base64,([^"]+)"', html).group(1)
    with wave.open(io.BytesIO(base64.b64decode(data)), "rb") as w:
        beats = sum(b for _, b, _, _ in notes(melody))
        assert w.getnframes() / w.getframerate() == pytest.approx(beats * 0.5, abs=1e-3)
    roll = piano_roll(melody)
    assert f"{len(notes(melody))} notes" in roll.alt
    card = melody_card(melody)._repr_html_()
    assert "<audio" in card and "<img" in card


def test_bad_input_names_the_value(picture_model):
    with pytest.raises(ValueError, match="domain must be one of"):
        domain_model("text")
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        generate_domain(picture_model, 0)
    with pytest.raises(TypeError, match="sampling must be a SamplingConfig"):
        generate_domain(picture_model, 1, sampling={"temperature": 1})
    with pytest.raises(TypeError, match="dm must be a DomainModel"):
        measure(picture_model.model)
    with pytest.raises(ValueError, match="labels must have one entry per picture"):
        picture_grid(["sky " * 64], ["a", "b"])
