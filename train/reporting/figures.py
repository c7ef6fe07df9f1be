"""The model card's figures, drawn with matplotlib's Agg backend (no display needed) and written as PNG
files beside the card (:mod:`train.reporting.modelcard`): the strict F1 of each type per split, and the reliability diagram of the
model's probabilities (:mod:`train.evaluation.calibration`)."""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

F1_CHART = "f1_by_type.png"
RELIABILITY_CHART = "reliability.png"
VIEWS = {"words": "word labels", "spans": "predicted spans (score: mean word probability)"}
Y_LABELS = {"words": "accuracy (share of words right)", "spans": "precision (share of spans right)"}


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})  # no version stamp: same input, same bytes
    return buffer.getvalue()


def f1_chart(metrics: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Bars of the strict F1 of each type and the micro average, one bar per split, each with its value."""
    splits = list(metrics)
    types = sorted({name for scores in metrics.values() for name in scores["strict"]["per_type"]})
    names = [*types, "micro"]
    figure = Figure(figsize=(1.3 + 1.1 * len(names) * max(1, len(splits) / 2), 3.8), layout="constrained")
    axes = figure.add_subplot()
    width = 0.8 / len(splits)
    for i, split in enumerate(splits):
        strict = metrics[split]["strict"]
        values = [strict["per_type"].get(name, {}).get("f1", 0.0) for name in types] + [strict["f1"]]
        offset = (i - (len(splits) - 1) / 2) * width
        bars = axes.bar([x + offset for x in range(len(names))], values, width, label=split)
        axes.bar_label(bars, labels=[f"{v:.2f}" for v in values], padding=2, fontsize=8)
    axes.set_xticks(range(len(names)), names)
    axes.set_ylim(0, 1.12)
    axes.set_ylabel("F1 (strict IOB2)")
    axes.set_title("Entity-level F1 by type")
    axes.legend(loc="upper left", ncols=len(splits), fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def reliability_chart(calibration: Mapping[str, Mapping[str, Any]], split: str) -> bytes:
    """One reliability diagram per view: the accuracy of each probability bin against the diagonal of a
    perfectly calibrated model, each bar with its count."""
    figure = Figure(figsize=(9, 4.4), layout="constrained")
    for index, (view, title) in enumerate(VIEWS.items()):
        result = calibration[view]
        axes = figure.add_subplot(1, len(VIEWS), index + 1)
        axes.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfectly calibrated")
        filled = [b for b in result["bins"] if b["count"]]
        bars = axes.bar(
            [(b["lower"] + b["upper"]) / 2 for b in filled],
            [b["accuracy"] for b in filled],
            width=[0.95 * (b["upper"] - b["lower"]) for b in filled],
            label="share right in the bin",
        )
        axes.bar_label(bars, labels=[f"{b['count']:,}" for b in filled], padding=2, fontsize=7)
        axes.scatter(
            [b["confidence"] for b in filled],
            [b["accuracy"] for b in filled],
            color="black",
            s=10,
            zorder=3,
            label="at the bin's mean probability",
        )
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1.12)
        axes.set_xlabel("predicted probability")
        axes.set_ylabel(Y_LABELS[view])
        axes.set_title(f"{title}\nECE {result['ece']:.4f} over {result['count']:,}", fontsize=9)
        axes.spines[["top", "right"]].set_visible(False)
    figure.legend(*axes.get_legend_handles_labels(), loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    figure.suptitle(f"Reliability on the {split} split (bar labels: predictions in the bin)", fontsize=10)
    return _png(figure)


def card_figures(metrics: Mapping[str, Mapping[str, Any]], calibrated: str | None) -> dict[str, tuple[str, bytes]]:
    """The card's figures for these metrics, ``{"f1": (file name, PNG), "reliability": (file name, PNG)}``:
    no F1 chart without metrics, no reliability diagram without a ``calibrated`` split."""
    figures = {"f1": (F1_CHART, f1_chart(metrics))} if metrics else {}
    if calibrated is not None:
        figures["reliability"] = (RELIABILITY_CHART, reliability_chart(metrics[calibrated]["calibration"], calibrated))
    return figures
