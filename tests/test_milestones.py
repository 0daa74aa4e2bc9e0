"""Tests of genai_lab.milestones: judging what a model writes, the stages, the renderings."""
import json
from dataclasses import asdict

import numpy as np
import pytest
from matplotlib.figure import Figure

from genai_lab.corpus import Grammar
from genai_lab.milestones import (COHERENT_SHARE, FLUENT_SHARE, GRAMMAR_SHARE, PATTERN_SHARE,
                                  STAGES, SampleJudge, SampleRecord, observe, plot_samples,
                                  samples_table, stage_steps)
from genai_lab.tokenizer import WordTokenizer

# A two-sentence language: "a cat sleeps ." or "a dog barks ." (each with probability 1/2).
GRAMMAR = Grammar({"S": [(1, "a cat sleeps ."), (1, "a dog barks .")]})


@pytest.fixture(scope="module")
def setup():
    tok = WordTokenizer().train(["a cat sleeps .", "a dog barks ."])
    train_ids = tok.encode_batch(["a cat sleeps ."] * 3, seq_len=8)  # only the cat is seen
    return tok, train_ids, SampleJudge(train_ids, GRAMMAR, tok)


def _ids(tok, text, end=True):
    ids = tok.encode(text)[1:]  # drop [CLS]: what sample_sentences returns
    return ids if end else ids[:-1]


def test_judge_counts_grammatical_new_copied_and_pairs(setup):
    tok, _, judge = setup
    sentences = [_ids(tok, "a cat sleeps ."),      # grammatical, copied
                 _ids(tok, "a dog barks ."),       # grammatical, new
                 _ids(tok, "a cat barks ."),       # ungrammatical
                 _ids(tok, "a cat", end=False)]    # unfinished
    rec = judge.judge(7, 0.5, sentences, reference_novel=0.5)
    assert (rec.n, rec.finished, rec.grammatical, rec.novel, rec.copied) == (4, 3, 2, 1, 1)
    assert rec.example == "a dog barks."  # the new grammatical one
    # Pairs seen in training: [CLS] a, a cat, cat sleeps, sleeps ., . [SEP].
    # Sentence pairs: 5 + 5 + 5 + 2 = 17; seen: 5 + 1 ([CLS] a) + 4 + 2 = 12.
    assert rec.valid_pairs == pytest.approx(12 / 17)
    assert rec.distinct == 4 and rec.step == 7 and rec.epoch == 0.5


def test_is_new_and_reference_novel(setup):
    tok, _, judge = setup
    assert not judge.is_new("A cat sleeps.") and judge.is_new("a dog barks .")
    share = judge.reference_novel(400, seed=0)
    assert 0.4 < share < 0.6  # half the language (the dog) is not in the training split
    assert share == judge.reference_novel(400, seed=0)


def _record(pairs, grammatical, novel=0, n=100, reference=None, step=0):
    return SampleRecord(step=step, epoch=step / 10, n=n, finished=grammatical,
                        grammatical=grammatical, novel=novel, distinct=n, valid_pairs=pairs,
                        example="x", reference_novel=reference)


def test_stages_follow_the_thresholds():
    assert _record(PATTERN_SHARE - 0.01, 99).stage == STAGES[0]  # stages are cumulative
    assert _record(PATTERN_SHARE, int(100 * GRAMMAR_SHARE) - 1).stage == "word patterns"
    assert _record(1.0, int(100 * GRAMMAR_SHARE)).stage == "grammar"
    assert _record(1.0, int(100 * COHERENT_SHARE)).stage == "coherent"
    assert _record(1.0, int(100 * FLUENT_SHARE), novel=10, reference=0.1).stage == "fluent"
    # fluent also needs new sentences at 80% of the language's own rate
    assert _record(1.0, 100, novel=5, reference=0.1).stage == "coherent"
    assert observe(_record(1.0, 90, novel=20)) == "coherent: 90% grammatical, 20% new"
    with pytest.raises(TypeError):
        observe("coherent")


def test_record_checks_its_counts():
    with pytest.raises(ValueError, match="novel <= grammatical"):
        SampleRecord(step=0, epoch=0.0, n=10, finished=3, grammatical=4, novel=0,
                     distinct=1, valid_pairs=0.5, example="")
    with pytest.raises(ValueError):
        _record(1.5, 10)


def test_stage_steps_table_and_plot():
    samples = [_record(0.2, 0, step=0), _record(0.95, 10, step=10),
               _record(0.99, 60, step=50), _record(1.0, 95, novel=30, step=100,
                                                    reference=0.2)]
    assert stage_steps(samples) == [("word patterns", 10), ("grammar", 50),
                                    ("coherent", 100), ("fluent", None)]
    table = samples_table(samples)
    assert [row[0] for row in table.rows] == [0, 10, 50, 100]
    assert table.rows[-1][3:6] == ("95%", "30%", "coherent")
    fig, alt = plot_samples(samples)
    assert isinstance(fig, Figure) and "step 100: 100% pairs, 95% grammatical" in alt
    ys = fig.axes[0].get_lines()[1].get_ydata()
    assert list(ys) == [0, 10, 60, 95]
    assert json.loads(json.dumps(asdict(samples[0])))["valid_pairs"] == 0.2


def test_judge_rejects_what_it_cannot_use(setup):
    tok, train_ids, judge = setup
    with pytest.raises(TypeError, match="accepts"):
        SampleJudge(train_ids, object(), tok)
    with pytest.raises(TypeError, match="tokenizer"):
        SampleJudge(train_ids, GRAMMAR, object())
    with pytest.raises(ValueError):
        judge.judge(0, 0.0, [])
    with pytest.raises(ValueError):
        SampleJudge(np.zeros(3, dtype=int), GRAMMAR, tok)
