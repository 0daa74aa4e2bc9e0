"""The record of a training run: what each epoch did, and what the model wrote meanwhile.

``train`` (in ``genai_lab.train``) fills a ``TrainingTrace``: one ``EpochRecord`` per epoch
(train loss, validation loss, next-word accuracy, seconds and an observation of what the
model writes at the epoch's end), every step's batch loss, the judged samples the model
wrote at chosen steps (``genai_lab.milestones.SampleRecord``) and three reference levels:

* ``ln V``: the loss of guessing uniformly among V tokens (an untrained model),
* the bigram baseline (fitted): an add-alpha bigram model counted on the training split
  and measured on the validation split, a model that only knows which word follows which,
* the entropy floor of the grammar: no model can do better on average.

The trace renders as a table, an ASCII chart and a matplotlib figure, all from the same
numbers.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from genai_lab.checks import check_float, check_int
from genai_lab.display.palette import COLORS
from genai_lab.display.table import Table
from genai_lab.milestones import SampleRecord, observe, samples_table, stage_steps


# ------------------------------------------------------------------------ the record
@dataclass
class EpochRecord:
    """What one epoch of training did."""

    epoch: int  # 1-based epoch number
    train_loss: float  # mean loss per target token over the epoch's minibatches, measured
    #                    while the weights changed (so usually a bit above val_loss at the end)
    val_loss: float  # loss on the validation split after the epoch
    accuracy: float  # share of validation targets that are the model's top prediction
    seconds: float  # wall-clock time of the epoch (training and validation)
    observation: str  # what the model writes at the epoch's end (``observe``), or ""
    steps: int = 0  # Adam steps taken in the epoch
    tokens: int = 0  # target tokens trained on in the epoch
    lr: float = 0.0  # learning rate of the epoch's last step
    train_loss_after: float | None = None  # loss on as many training sentences as there
    #                                        are validation ones, measured after the epoch


@dataclass
class TrainingTrace:
    """The record of a training run: one EpochRecord per epoch plus the reference levels."""

    epochs: list[EpochRecord]
    ln_vocab: float  # loss of uniform guessing, ln V
    initial_val_loss: float  # validation loss before the first step
    initial_val_accuracy: float  # validation accuracy before the first step
    bigram: float | None = None  # bigram baseline (fitted) on the same split, if computed
    floor: float | None = None  # entropy floor of the grammar, if known
    config: dict = field(default_factory=dict)  # the TrainConfig as a dict
    samples: list[SampleRecord] = field(default_factory=list)  # what the model wrote at
    #                                                             chosen steps, in order
    step_losses: list[float] = field(default_factory=list)  # each step's batch loss

    # -- derived numbers --
    @property
    def final_val_loss(self) -> float:
        return self.epochs[-1].val_loss if self.epochs else self.initial_val_loss

    @property
    def final_over_floor(self) -> float | None:
        """Final validation loss / entropy floor (1.0 would be perfect), or None."""
        return None if not self.floor else self.final_val_loss / self.floor

    @property
    def total_seconds(self) -> float:
        return float(sum(e.seconds for e in self.epochs))

    # -- renderings --
    def table(self) -> Table:
        """One row per epoch; the observation is what the model wrote at the epoch's end."""
        first = self.samples[0] if self.samples and self.samples[0].step == 0 else None
        rows = [(0, None, None, float(self.initial_val_loss), float(self.initial_val_accuracy),
                 observe(first) if first is not None else "")]
        rows += [(e.epoch, float(e.train_loss),
                  None if e.train_loss_after is None else float(e.train_loss_after),
                  float(e.val_loss), float(e.accuracy), e.observation)
                 for e in self.epochs]
        return Table("Training trace", ("epoch", "train loss (mean)", "train loss (end)",
                                        "val loss", "val accuracy", "what it writes"), rows,
                     caption=self.summary(),      # "-": epoch 0 has no training steps
                     decimals={"train loss (mean)": 4, "train loss (end)": 4,
                               "val loss": 4, "val accuracy": 3})

    def samples_table(self) -> Table:
        """What the model wrote at each sampling step (``milestones.samples_table``)."""
        return samples_table(self.samples)

    def stage_steps(self) -> list[tuple[str, int | None]]:
        """(stage, first step at which it held) (``milestones.stage_steps``)."""
        return stage_steps(self.samples)

    def summary(self) -> str:
        """One line with the reference levels and the final/floor ratio."""
        parts = [f"ln V = {self.ln_vocab:.3f}"]
        if self.bigram is not None:
            parts.append(f"bigram baseline (fitted) = {self.bigram:.3f}")
        if self.floor is not None:
            parts.append(f"entropy floor = {self.floor:.3f}")
        ratio = self.final_over_floor
        if ratio is not None:
            parts.append(f"final val loss / floor = {ratio:.3f}")
        parts.append(f"{self.total_seconds:.1f} s in total")
        return ("Epoch 0 is the untrained model; train loss (mean) is averaged over the "
                "epoch's steps, (end) measured after it. " + ", ".join(parts) + ".")

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def to_dict(self) -> dict:
        """JSON-safe form; ``from_dict`` reads it back."""
        return {"epochs": [asdict(e) for e in self.epochs], "ln_vocab": self.ln_vocab,
                "initial_val_loss": self.initial_val_loss,
                "initial_val_accuracy": self.initial_val_accuracy,
                "bigram": self.bigram, "floor": self.floor,
                "final_over_floor": self.final_over_floor, "config": self.config,
                "samples": [asdict(x) for x in self.samples],
                "step_losses": list(self.step_losses)}

    @classmethod
    def from_dict(cls, data: dict) -> "TrainingTrace":
        return cls(epochs=[EpochRecord(**e) for e in data["epochs"]],
                   ln_vocab=float(data["ln_vocab"]),
                   initial_val_loss=float(data["initial_val_loss"]),
                   initial_val_accuracy=float(data["initial_val_accuracy"]),
                   bigram=data.get("bigram"), floor=data.get("floor"),
                   config=dict(data.get("config", {})),
                   samples=[SampleRecord(**x) for x in data.get("samples", [])],
                   step_losses=[float(x) for x in data.get("step_losses", [])])

    def ascii_chart(self, width: int = 50, height: int = 12) -> str:
        """Validation (o) and training (*) loss per epoch as a text plot.

        The dashed line (-) is the entropy floor and the dotted line (.) the bigram
        baseline, when known; "@" marks a validation and a training loss in the same cell.
        The vertical range fits the trained epochs and the reference lines, so that their
        differences stay visible; the untrained model (epoch 0, about ln V) is drawn as "^"
        at the top when it lies above that range, and its value is printed. ``width`` and
        ``height`` are the size of the plotting area in characters.
        """
        width = check_int("width", width, minimum=10)
        height = check_int("height", height, minimum=4)
        xs = [0] + [e.epoch for e in self.epochs]
        val = [self.initial_val_loss] + [e.val_loss for e in self.epochs]
        tr = [None] + [e.train_loss for e in self.epochs]
        values = val[1:] + tr[1:] + [r for r in (self.floor, self.bigram) if r is not None]
        if not values:
            values = val
        lo, hi = min(values), max(values)
        if hi - lo < 1e-12:
            hi = lo + 1.0
        hi += 0.05 * (hi - lo)  # a little headroom above the highest point
        grid = [[" "] * width for _ in range(height)]

        def row_of(v: float) -> int:  # 0 is the top row (highest loss)
            return min(max(int(round((hi - v) / (hi - lo) * (height - 1))), 0), height - 1)

        def col_of(x: float) -> int:
            return int(round(x / max(xs[-1], 1) * (width - 1)))

        def put(v: float, x: int, mark: str) -> None:
            cell = grid[row_of(v)][col_of(x)]
            grid[row_of(v)][col_of(x)] = "@" if cell in ("o", "*") and cell != mark else mark

        for ref, ch in ((self.bigram, "."), (self.floor, "-")):
            if ref is not None:
                grid[row_of(ref)] = [ch if c == " " else c for c in grid[row_of(ref)]]
        for x, t in zip(xs[1:], tr[1:]):
            put(t, x, "*")
        for x, v in zip(xs[1:], val[1:]):
            put(v, x, "o")
        off_chart = self.initial_val_loss > hi
        grid[0 if off_chart else row_of(val[0])][0] = "^" if off_chart else "o"
        title = ("Loss (o validation, * training, @ both"
                 + (", - entropy floor" if self.floor is not None else "")
                 + (", . bigram baseline (fitted)" if self.bigram is not None else "") + ")")
        lines = [title]
        if off_chart:
            lines.append(f"^ epoch 0 (untrained): {self.initial_val_loss:.3f}, above the chart")
        for r, cells in enumerate(grid):
            level = hi - r * (hi - lo) / (height - 1)
            label = f"{level:6.3f}" if r in (0, height - 1) or r == height // 2 else " " * 6
            lines.append(f"{label} |" + "".join(cells).rstrip())
        lines.append(" " * 7 + "+" + "-" * width)
        axis = [" "] * (width + 1)
        for x in xs:
            text = str(x)
            c = col_of(x)
            axis[c:c + len(text)] = list(text)
        lines.append(" " * 8 + "".join(axis).rstrip() + "   epoch")
        return "\n".join(lines)

    def alt_text(self) -> str:
        """What ``plot()`` shows, in words built from the same numbers (for alt text)."""
        text = (f"Validation loss falls from {self.initial_val_loss:.2f} (untrained) to "
                f"{self.final_val_loss:.2f} after {len(self.epochs)} epochs")
        if self.floor is not None:
            text += f", against an entropy floor of {self.floor:.2f}"
        if self.bigram is not None:
            text += f" and a fitted bigram baseline of {self.bigram:.2f}"
        if self.epochs:
            text += (f"; next-word accuracy rises from {self.initial_val_accuracy:.2f} "
                     f"to {self.epochs[-1].accuracy:.2f}")
        return text + "."

    def plot(self):
        """A matplotlib Figure: loss (left) and validation accuracy (right) per epoch.

        Reference lines: the entropy floor (dashed) and the fitted bigram baseline (dotted).
        Every series has its own marker and line style, so colour is never the only cue.
        """
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 3.6), layout="constrained")
        ax_loss, ax_acc = fig.subplots(1, 2)
        xs = [0] + [e.epoch for e in self.epochs]
        ax_loss.plot(xs, [self.initial_val_loss] + [e.val_loss for e in self.epochs],
                     marker="o", color=COLORS["validation"], label="validation loss")
        ax_loss.plot(xs[1:], [e.train_loss for e in self.epochs], marker="s",
                     linestyle="--", color=COLORS["train"], label="training loss")
        if self.floor is not None:
            ax_loss.axhline(self.floor, color=COLORS["floor"], linestyle="--", linewidth=1,
                            label=f"entropy floor {self.floor:.3f}")
        if self.bigram is not None:
            ax_loss.axhline(self.bigram, color=COLORS["baseline"], linestyle=":", linewidth=1.5,
                            label=f"bigram baseline (fitted) {self.bigram:.3f}")
        ax_loss.set_xlabel("epoch (0 = untrained)")
        ax_loss.set_ylabel("loss per token (nats)")
        ax_loss.set_title("Loss")
        ax_loss.legend(fontsize="small")
        ax_acc.plot(xs, [self.initial_val_accuracy] + [e.accuracy for e in self.epochs],
                    marker="^", color=COLORS["validation"], label="validation accuracy")
        ax_acc.set_ylim(0, 1)
        ax_acc.set_xlabel("epoch (0 = untrained)")
        ax_acc.set_ylabel("next-word accuracy")
        ax_acc.set_title("Accuracy (top prediction = next word)")
        ax_acc.legend(fontsize="small")
        for ax in (ax_loss, ax_acc):
            ax.set_xticks(xs)
            ax.grid(alpha=0.3)
        return fig
