"""Tests of genai_lab.record: a training trace, its samples and its renderings."""
import json

import pytest
from matplotlib.figure import Figure

from genai_lab.milestones import SampleRecord, observe
from genai_lab.record import EpochRecord, TrainingTrace


# ------------------------------------------------------------------- trace renderings
def _sample(step, grammatical, novel):
    return SampleRecord(step=step, epoch=step / 10, n=50, finished=50, grammatical=grammatical,
                        novel=novel, distinct=40, valid_pairs=0.95, example=f"step {step}")


def _synthetic_trace():
    vals = [3.0, 1.5, 1.0]
    samples = [_sample(0, 0, 0)] + [_sample(10 * (i + 1), 20 * i + 10, i) for i in range(3)]
    recs = [EpochRecord(epoch=i + 1, train_loss=v + 0.1, val_loss=v, accuracy=0.3 + 0.1 * i,
                        seconds=1.0, observation=observe(samples[i + 1]),
                        train_loss_after=v - 0.05) for i, v in enumerate(vals)]
    return TrainingTrace(epochs=recs, ln_vocab=5.0, initial_val_loss=5.1,
                         initial_val_accuracy=0.0, bigram=1.6, floor=0.9, config={"epochs": 3},
                         samples=samples, step_losses=[4.0, 3.0, 2.0])


def test_trace_renders_as_text_html_and_json():
    trace = _synthetic_trace()
    text = str(trace)
    assert trace.epochs[1].observation in text and "entropy floor = 0.900" in text
    assert "grammar: 60% grammatical, 2% new" in text  # epoch 2's sample (30 of 50)
    assert observe(trace.samples[0]) in text  # epoch 0: what the untrained model writes
    assert "bigram baseline (fitted) = 1.600" in text and "2.95" in text  # train loss (end)
    assert trace.final_over_floor == pytest.approx(1.0 / 0.9)
    assert "<table" in trace._repr_html_() and "bigram baseline" in trace._repr_html_()
    data = json.loads(json.dumps(trace.to_dict()))
    assert data["final_over_floor"] == pytest.approx(1.0 / 0.9)
    again = TrainingTrace.from_dict(data)
    assert again.epochs == trace.epochs and again.floor == trace.floor
    assert again.samples == trace.samples and again.step_losses == [4.0, 3.0, 2.0]
    assert again.stage_steps() == trace.stage_steps()
    assert trace.samples_table().rows[2][0] == 20
    assert "from 5.10 (untrained) to 1.00 after 3 epochs" in trace.alt_text()


def test_ascii_chart_plots_every_epoch():
    trace = _synthetic_trace()
    lines = trace.ascii_chart(width=40, height=10).splitlines()
    assert len(lines) == 2 + 10 + 2  # title, epoch-0 note, plot rows, axis, labels
    assert "5.100" in lines[1]  # the untrained loss is above the range: printed instead
    rows = [line.split("|", 1)[1] for line in lines[2:12]]
    assert rows[0].startswith("^")
    plot = "\n".join(rows)
    assert plot.count("o") + plot.count("@") == 3  # one validation point per epoch
    assert "-" in plot and "." in plot  # floor and bigram reference lines
    assert lines[11].startswith(" 0.900")  # the lowest row is the floor
    assert rows[-1].rstrip().endswith("o")  # the last epoch (1.0) rounds onto the floor row
    with pytest.raises(ValueError):
        trace.ascii_chart(width=3)


def test_ascii_chart_keeps_epoch_zero_in_range_when_it_fits():
    trace = _synthetic_trace()
    trace.initial_val_loss = 2.0  # below the first epoch's 3.0: inside the range
    lines = trace.ascii_chart().splitlines()
    assert "above the chart" not in "\n".join(lines)
    assert "^" not in "\n".join(lines)


def test_plot_has_loss_and_accuracy_panels_with_references():
    fig = _synthetic_trace().plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    loss_ax, acc_ax = fig.axes
    labels = [line.get_label() for line in loss_ax.get_lines()]
    assert any("floor" in lab for lab in labels) and any("bigram" in lab for lab in labels)
    val_line = loss_ax.get_lines()[0]
    assert list(val_line.get_ydata()) == [5.1, 3.0, 1.5, 1.0]
    assert val_line.get_marker() not in (None, "None", "")
    assert list(acc_ax.get_lines()[0].get_ydata()) == pytest.approx([0.0, 0.3, 0.4, 0.5])


def test_training_table_epoch_zero_has_no_train_loss_and_accuracy_has_three_decimals():
    table = _synthetic_trace().table()
    cells = table.cells()
    col = {c: i for i, c in enumerate(table.columns)}
    assert cells[0][col["train loss (mean)"]] == "-" == cells[0][col["train loss (end)"]]
    assert [r[col["val accuracy"]] for r in cells] == ["0.000", "0.300", "0.400", "0.500"]
    assert '<td class="num">-</td>' in table._repr_html_()    # right-aligned like numbers
