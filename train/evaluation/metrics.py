"""Word-level entity evaluation with seqeval, computed locally and never over the network.

Scores are reported in two modes over the same word-level BIO tags:

* ``strict``: seqeval ``mode="strict", scheme=IOB2``. An entity counts only if its tags are a valid
  IOB2 chunk (``B-X`` then ``I-X``...) with the right type and boundaries; a stray ``I-LOC`` after
  ``O`` is not an entity. This is the headline figure.
* ``conlleval``: seqeval's default mode, which reproduces the CoNLL ``conlleval`` script: a stray
  ``I-X`` opens a new ``X`` chunk. Kept for comparison with published ANERcorp results.

Why seqeval is called directly rather than through ``evaluate.load("seqeval")``: the hub id fetches
a script at run time and fails offline. A local ``evaluate`` module would avoid the download, but
``evaluate.load(<path>)`` still copies the script into ``HF_MODULES_CACHE`` and imports it
dynamically — a shared, writable cache that engineers in the same tree and parallel jobs race on —
and it pulls in ``datasets`` at import time, only to wrap the same ``seqeval`` calls used here.
Calling ``seqeval`` keeps the numbers identical to the ``evaluate`` metric with nothing to fetch,
cache or lock.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from seqeval.metrics import classification_report as _seqeval_report
from seqeval.scheme import IOB2, Entities

Tags = Sequence[Sequence[str]]

_AVERAGE_ROWS = ("micro avg", "macro avg", "weighted avg")
MODES: dict[str, dict[str, Any]] = {
    "strict": {"mode": "strict", "scheme": IOB2},
    "conlleval": {},
}


def _check_shapes(references: Tags, predictions: Tags) -> None:
    if len(references) != len(predictions):
        raise ValueError(f"{len(references)} reference sentences but {len(predictions)} predicted")
    for i, (ref, pred) in enumerate(zip(references, predictions)):
        if len(ref) != len(pred):
            raise ValueError(f"sentence {i}: {len(ref)} reference tags but {len(pred)} predicted")


def _has_entities(references: Tags, predictions: Tags) -> bool:
    return any(tag != "O" for sentence in (*references, *predictions) for tag in sentence)


def _zero_scores() -> dict[str, Any]:
    return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "per_type": {}}


def _mode_scores(references: Tags, predictions: Tags, options: dict[str, Any]) -> dict[str, Any]:
    # seqeval warns (numpy "mean of empty slice") when one mode finds no chunk at all.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = _seqeval_report(
            [list(s) for s in references],
            [list(s) for s in predictions],
            output_dict=True,
            zero_division=0,
            **options,
        )
    micro = report["micro avg"]
    return {
        "precision": float(micro["precision"]),
        "recall": float(micro["recall"]),
        "f1": float(micro["f1-score"]),
        "per_type": {
            name: {
                "precision": float(row["precision"]),
                "recall": float(row["recall"]),
                "f1": float(row["f1-score"]),
                "support": int(row["support"]),
            }
            for name, row in sorted(report.items())
            if name not in _AVERAGE_ROWS
        },
    }


def compute_seqeval(references: list[list[str]], predictions: list[list[str]]) -> dict[str, Any]:
    """Entity-level micro P/R/F1 (overall and per type) in strict and conlleval modes, plus token accuracy.

    Returns ``{"strict": {...}, "conlleval": {...}, "accuracy": float}`` where each mode holds
    ``precision``, ``recall``, ``f1`` and ``per_type: {TYPE: {precision, recall, f1, support}}``.
    ``support`` is the number of reference entities of that type. Undefined ratios are 0.
    """
    _check_shapes(references, predictions)
    total = sum(len(s) for s in references)
    correct = sum(r == p for ref, pred in zip(references, predictions) for r, p in zip(ref, pred))
    entities = _has_entities(references, predictions)
    result: dict[str, Any] = {
        name: _mode_scores(references, predictions, options) if entities else _zero_scores() for name, options in MODES.items()
    }
    result["accuracy"] = correct / total if total else 0.0
    return result


def classification_report(references: list[list[str]], predictions: list[list[str]]) -> str:
    """seqeval's text report in strict IOB2 mode with four decimals."""
    _check_shapes(references, predictions)
    gold, predicted = [list(s) for s in references], [list(s) for s in predictions]
    # seqeval's text report cannot lay out a table without a single entity type.
    if not any(Entities(tags, IOB2).unique_tags for tags in (gold, predicted)):
        return "No valid IOB2 entities in references or predictions.\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _seqeval_report(gold, predicted, mode="strict", scheme=IOB2, digits=4, zero_division=0)
