"""Tests of genai_lab.generate: the generation loop, its options and the quality measure.

They use a small untrained model (random weights give a spread-out next-token distribution,
which is what the sampling checks need) so they run in well under a second each. The
acceptance of the trained default model is checked in test_train.py, next to its training.
"""
import json

import numpy as np
import pytest

from genai_lab.generate import (DEFAULT_SAMPLING, Generation, QualityReport, generate,
                                generation_quality, milestone_sampler, sample_sentences)
from genai_lab.milestones import SampleRecord
from genai_lab.model import TransformerLM
from genai_lab.sampling import SamplingConfig
from genai_lab.softmax import softmax
from genai_lab.tokenizer import WordTokenizer
from helpers import make_tiny_model

TEXTS = ["The sun rises in the east.", "The moon rises in the evening.",
         "A bird sings.", "Many birds sing."]


@pytest.fixture(scope="module")
def tok():
    return WordTokenizer().train(TEXTS)


@pytest.fixture(scope="module")
def model(tok):
    # init_scale 1.0: large random logits, so different tokens really compete.
    return make_tiny_model(tok.vocab_size, seed=3, init_scale=1.0)


class AcceptsEveryOther:
    """A stand-in grammar that accepts sentences with an even number of words."""

    def accepts(self, text):
        return len(text.split()) % 2 == 0


def test_same_seed_same_text_and_different_seeds_differ(model, tok):
    texts = {generate(model, tok, "The sun", max_new_tokens=6, seed=s,
                      stop_at_end=False).text for s in range(6)}
    again = generate(model, tok, "The sun", max_new_tokens=6, seed=2, stop_at_end=False)
    assert again.text == generate(model, tok, "The sun", max_new_tokens=6, seed=2,
                                  stop_at_end=False).text
    assert len(texts) > 1  # sampling really samples


def test_rng_argument_is_used_instead_of_seed(model, tok):
    a = generate(model, tok, "The", max_new_tokens=5, rng=np.random.default_rng(7),
                 stop_at_end=False)
    b = generate(model, tok, "The", max_new_tokens=5, seed=7, stop_at_end=False)
    assert a.ids == b.ids


def test_ids_start_with_cls_and_seed_and_text_is_decoded(model, tok):
    gen = generate(model, tok, "The sun", max_new_tokens=4, stop_at_end=False)
    assert gen.ids[:3] == [tok.cls_id, tok.token_to_id("the"), tok.token_to_id("sun")]
    assert gen.n_prompt == 3
    assert len(gen.new_ids) == 4
    assert gen.text == tok.decode(gen.ids)
    assert gen.new_text == tok.decode(gen.new_ids)
    assert gen.text.startswith("the sun")
    assert gen.tokens == [tok.id_to_token(i) for i in gen.ids]


def test_greedy_picks_the_argmax_at_every_step(model, tok):
    gen = generate(model, tok, "The", max_new_tokens=5, sampling=SamplingConfig("greedy"),
                   stop_at_end=False)
    for step in range(5):
        context = np.array(gen.ids[: gen.n_prompt + step])[None, :]
        assert gen.ids[gen.n_prompt + step] == int(np.argmax(model.forward(context)[0, -1]))


def test_top_k_one_equals_greedy_whatever_the_temperature(model, tok):
    greedy = generate(model, tok, "A", max_new_tokens=6, sampling=SamplingConfig("greedy"),
                      stop_at_end=False)
    for seed in range(3):
        k1 = generate(model, tok, "A", max_new_tokens=6, seed=seed, stop_at_end=False,
                      sampling=SamplingConfig("sample", temperature=2.0, top_k=1))
        assert k1.ids == greedy.ids


def test_sampling_parameters_are_recorded_and_respected(model, tok):
    cfg = SamplingConfig("sample", temperature=0.7, top_k=3, top_p=0.95)
    gen = generate(model, tok, "The", max_new_tokens=5, sampling=cfg, record=True,
                   stop_at_end=False)
    assert len(gen.selections) == 5
    for step, sel in enumerate(gen.selections):
        assert (sel.method, sel.temperature, sel.top_k, sel.top_p) == ("sample", 0.7, 3, 0.95)
        assert np.count_nonzero(sel.probs) <= 3
        assert sel.probs[gen.new_ids[step]] > 0  # never a token the filters removed
        context = np.array(gen.ids[: gen.n_prompt + step])[None, :]
        np.testing.assert_allclose(sel.raw_probs, softmax(model.forward(context)[0, -1]
                                                          .astype(np.float64)), atol=1e-12)


def test_default_sampling_is_used_when_none(model, tok):
    gen = generate(model, tok, "The", max_new_tokens=2, record=True)
    assert gen.sampling == DEFAULT_SAMPLING
    assert gen.selections[0].top_p == DEFAULT_SAMPLING.top_p


def test_stops_at_sep_and_keeps_it_in_ids(model, tok):
    sep_heavy = TransformerLM(model.config, seed=3)
    # The final layer norm outputs all ones, and only [SEP]'s column of lm_head is non-zero:
    # [SEP] gets the highest score at every position.
    sep_heavy.params["ln_f.g"][:] = 0.0
    sep_heavy.params["ln_f.b"][:] = 1.0
    sep_heavy.params["lm_head.w"][:] = 0.0
    sep_heavy.params["lm_head.w"][:, tok.sep_id] = 1.0
    gen = generate(sep_heavy, tok, "The sun", max_new_tokens=10,
                   sampling=SamplingConfig("greedy"))
    assert gen.stopped_at_end and gen.ids[-1] == tok.sep_id and len(gen.new_ids) == 1
    assert gen.text == "the sun" and gen.new_text == ""
    longer = generate(sep_heavy, tok, "The sun", max_new_tokens=4,
                      sampling=SamplingConfig("greedy"), stop_at_end=False)
    assert len(longer.new_ids) == 4 and not longer.stopped_at_end


def test_context_is_cropped_to_block_size(model, tok):
    gen = generate(model, tok, "The sun rises in the east", max_new_tokens=12,
                   stop_at_end=False)
    assert len(gen.ids) == 7 + 12 > model.config.block_size  # no error past block_size


def test_empty_seed_starts_from_cls(model, tok):
    gen = generate(model, tok, "", max_new_tokens=3, stop_at_end=False)
    assert gen.ids[0] == tok.cls_id and gen.n_prompt == 1


def test_unknown_words_warn_and_become_unk(model, tok):
    with pytest.warns(UserWarning, match="zebra"):
        gen = generate(model, tok, "The zebra", max_new_tokens=2)
    assert gen.ids[2] == tok.unk_id


@pytest.mark.parametrize("kwargs, error", [
    ({"max_new_tokens": 0}, ValueError), ({"max_new_tokens": 2.5}, TypeError),
    ({"seed": -1}, ValueError), ({"sampling": "greedy"}, TypeError),
    ({"rng": 3}, TypeError), ({"record": "yes"}, TypeError)])
def test_bad_arguments_raise(model, tok, kwargs, error):
    with pytest.raises(error):
        generate(model, tok, "The", **kwargs)


def test_prompt_must_be_a_string(model, tok):
    with pytest.raises(TypeError, match="prompt"):
        generate(model, tok, 42)


def test_generation_renders_and_is_json_safe(model, tok):
    gen = generate(model, tok, "The", max_new_tokens=3, record=True, stop_at_end=False)
    data = json.loads(json.dumps(gen.to_dict()))
    assert data["ids"] == gen.ids and len(data["steps"]) == 3
    assert data["steps"][0]["candidates"][0]["token"] == tok.id_to_token(
        gen.selections[0].candidates[0][0])
    assert str(gen) == gen.text
    assert gen.tokens[-1] in gen._repr_html_()
    assert isinstance(gen, Generation)


def test_sample_sentences_end_at_sep_or_length_limit(model, tok):
    rows = sample_sentences(model, tok, 20, SamplingConfig("sample"), np.random.default_rng(0))
    assert len(rows) == 20
    for row in rows:
        assert row[-1] == tok.sep_id or len(row) == model.config.block_size - 1
        assert tok.sep_id not in row[:-1]


def test_sample_sentences_greedy_matches_generate(model, tok):
    rows = sample_sentences(model, tok, 3, SamplingConfig("greedy"), np.random.default_rng(0))
    gen = generate(model, tok, "", max_new_tokens=model.config.block_size - 1,
                   sampling=SamplingConfig("greedy"))
    assert rows == [gen.new_ids] * 3


def test_generation_quality_counts_what_the_grammar_accepts(model, tok):
    report = generation_quality(model, tok, AcceptsEveryOther(), n=30, temperatures=(0.5, 2.0),
                                seed=1)
    assert isinstance(report, QualityReport)
    assert [r.label for r in report.rows] == ["default", "temperature 0.5", "temperature 2"]
    assert report.default.sampling == DEFAULT_SAMPLING
    for row in report.rows:
        sentences = sample_sentences(model, tok, 30, row.sampling, np.random.default_rng(1))
        expected = sum(1 for s in sentences if s[-1] == tok.sep_id
                       and len(tok.decode(s).split()) % 2 == 0)
        assert row.accepted == expected
        assert row.acceptance == expected / 30
        assert row.unfinished == sum(1 for s in sentences if s[-1] != tok.sep_id)
        assert row.distinct == len({tok.decode(s) for s in sentences})
    data = json.loads(json.dumps(report.to_dict()))
    assert data["rows"][1]["temperature"] == 0.5
    assert "grammatical" in str(report) and "<table" in report._repr_html_()
    assert report.reference is None and all(r.novel is None for r in report.rows)


def test_generation_quality_bad_arguments(model, tok):
    with pytest.raises(ValueError):
        generation_quality(model, tok, AcceptsEveryOther(), n=0)
    with pytest.raises(ValueError):
        generation_quality(model, tok, AcceptsEveryOther(), n=5, temperatures=(0.0,))


def test_model_and_tokenizer_are_checked(model, tok):
    with pytest.raises(TypeError, match="TransformerLM"):
        generate("model", tok, "The")
    with pytest.raises(TypeError, match="tokenizer"):
        generate(model, object(), "The")
    other = WordTokenizer().train(["just three words"])
    with pytest.raises(ValueError, match="vocab_size"):
        generate(model, other, "just")
    with pytest.raises(TypeError, match="accepts"):
        generation_quality(model, tok, grammar=None, n=2)


class Language:
    """A stand-in grammar: accepts the four TEXTS and samples them in turn."""

    def __init__(self):
        self.i = 0

    def accepts(self, text):
        return text.lower() in {t.lower() for t in TEXTS}

    def sample(self, rng):
        self.i += 1
        return TEXTS[self.i % len(TEXTS)]


def test_generation_quality_counts_new_and_copied_against_the_language(model, tok):
    train_ids = tok.encode_batch(TEXTS[:2], seq_len=10)  # the sun and the moon are seen
    report = generation_quality(model, tok, Language(), n=40, temperatures=(0.3,), seed=2,
                                train_ids=train_ids)
    for row in report.rows:
        sentences = sample_sentences(model, tok, 40, row.sampling, np.random.default_rng(2))
        good = [tok.decode(s) for s in sentences if s[-1] == tok.sep_id
                and tok.decode(s).lower() in {t.lower() for t in TEXTS}]
        assert row.novel == sum(1 for t in good if t.lower() in
                                {x.lower() for x in TEXTS[2:]})
        assert row.copied == row.accepted - row.novel
    ref = report.reference
    assert ref.label == "the grammar itself" and ref.accepted == 40
    assert ref.novel == 20  # TEXTS in turn: half are the unseen bird sentences
    assert ref.distinct == 4
    assert json.loads(json.dumps(report.to_dict()))["reference"]["novel"] == 20
    assert "the grammar itself" in str(report)


def test_milestone_sampler_samples_at_its_steps_and_epoch_ends(model, tok):
    train_ids = tok.encode_batch(TEXTS[:2], seq_len=10)
    hook = milestone_sampler(tok, Language(), train_ids, steps=(0, 3), n=8, seed=1)
    assert hook(1, 0.1, model) is None and hook(4, 0.4, model) is None
    first, again = hook(3, 0.3, model), hook(3, 0.3, model)
    assert isinstance(first, SampleRecord) and first == again  # same seed, same weights
    assert first.n == 8 and first.reference_novel == 0.5
    end = hook(10, 1.0, model)  # the end of an epoch
    assert end.step == 10 and end.epoch == 1.0
    sentences = sample_sentences(model, tok, 8, SamplingConfig("sample"),
                                 np.random.default_rng(1))
    assert end.distinct == len({tok.decode(s) for s in sentences})
    with pytest.raises(ValueError):
        milestone_sampler(tok, Language(), train_ids, n=0)
