"""How well a model's probabilities match how often it is right: reliability bins and the expected
calibration error (ECE), computed at evaluation and stored in ``eval_results.json`` under each split's
``calibration``.

Two views of the same predictions (:func:`train.inference.predictor.predict_words`):

- ``words``: every word, with the probability of the label predicted for it; right when that label
  (``B-LOC``, ``O``, ...) is the gold label of the word.
- ``spans``: every predicted span, with its score as ``tag`` gives it (the mean probability of its
  words, :func:`train.inference.scoring.scored_spans`); right when the gold has the same span (same words, same
  type). This is what ``tag --min-score`` thresholds; ``spans.by_min_score`` says what each of
  :data:`MIN_SCORES` keeps: spans kept and right, precision, recall and F1 (at 0 the conlleval
  figures, since a stray ``I-`` opens a span here as in ``tag``).

Bins are of equal width over [0, 1]: the first is [0, 1/n], the others (lower, upper]. For each bin:
how many predictions fall in it, their mean probability (``confidence``) and the share of them that
are right (``accuracy``); an empty bin has null confidence and accuracy. ECE is the mean over the
bins of ``|accuracy - confidence|``, weighted by the share of the predictions in each bin: 0 for a
perfectly calibrated model, and at most 1.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from train.data.spans import bio_to_spans
from train.data.text import Token
from train.inference.scoring import rounded, scored_spans

BINS = 10
MIN_SCORES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


def reliability(confidences: Sequence[float], correct: Sequence[bool], bins: int = BINS) -> dict[str, Any]:
    """``{"count", "accuracy", "confidence", "ece", "bins": [{"lower", "upper", "count", "confidence", "accuracy"}]}``
    for predictions with these probabilities, right where ``correct``."""
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} probabilities but {len(correct)} right/wrong values")
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    edges = [i / bins for i in range(bins + 1)]
    members: list[list[int]] = [[] for _ in range(bins)]
    for i, p in enumerate(confidences):
        if not 0 <= p <= 1:
            raise ValueError(f"probability {p} is not in [0, 1]")
        members[max(bisect_left(edges, p) - 1, 0)].append(i)
    total = len(confidences)
    table, ece = [], 0.0
    for b, chosen in enumerate(members):
        confidence = sum(confidences[i] for i in chosen) / len(chosen) if chosen else None
        accuracy = sum(bool(correct[i]) for i in chosen) / len(chosen) if chosen else None
        if chosen:
            ece += len(chosen) / total * abs(accuracy - confidence)
        table.append(
            {"lower": edges[b], "upper": edges[b + 1], "count": len(chosen), "confidence": confidence, "accuracy": accuracy}
        )
    return {
        "count": total,
        "accuracy": sum(map(bool, correct)) / total if total else None,
        "confidence": sum(confidences) / total if total else None,
        "ece": ece,
        "bins": table,
    }


def calibration(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[tuple[str, float]]], layer: str, bins: int = BINS
) -> dict[str, dict[str, Any]]:
    """``{"words": ..., "spans": ...}``: :func:`reliability` of the word labels and of the predicted spans,
    for sentences of gold labels and predicted ``(label, probability)`` per word."""
    words, right = [], []
    span_scores, span_right, gold_count = [], [], 0
    for reference, labelled in zip(gold, predicted, strict=True):
        words += [p for _, p in labelled]
        right += [label == tag for (label, _), tag in zip(labelled, reference, strict=True)]
        positions = [Token("", i, i + 1) for i in range(len(reference))]
        gold_spans = set(bio_to_spans(positions, reference, layer))
        gold_count += len(gold_spans)
        for span, score in scored_spans(positions, labelled, layer):
            span_scores.append(score)
            span_right.append(span in gold_spans)
    spans = reliability(span_scores, span_right, bins)
    spans["by_min_score"] = [_kept(cut, span_scores, span_right, gold_count) for cut in MIN_SCORES]
    return {"words": reliability(words, right, bins), "spans": spans}


def _kept(cut: float, scores: Sequence[float], right: Sequence[bool], gold_count: int) -> dict[str, Any]:
    """What ``tag --min-score cut`` keeps of these spans (scores compared as ``tag`` writes them, rounded)."""
    kept = [ok for score, ok in zip(scores, right) if rounded(score) >= cut]
    correct = sum(kept)
    precision = correct / len(kept) if kept else 0.0
    recall = correct / gold_count if gold_count else 0.0
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return {"min_score": cut, "kept": len(kept), "right": correct, "precision": precision, "recall": recall, "f1": f1}
