"""Reliability bins and expected calibration error, on cases computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from train.evaluation.calibration import calibration, reliability
from train.reporting.text import calibration_line


def test_bins_hold_their_upper_edge_and_ece_weighs_the_gaps_by_count() -> None:
    # four bins: [0, .25], (.25, .5], (.5, .75], (.75, 1]; an edge belongs to the bin below it
    result = reliability([0.05, 0.25, 0.3, 0.35, 0.95, 1.0], [False, True, False, True, True, True], bins=4)
    assert [b["count"] for b in result["bins"]] == [2, 2, 0, 2]
    assert [(b["lower"], b["upper"]) for b in result["bins"]] == [(0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1)]
    first, second, empty, last = result["bins"]
    assert first["confidence"] == pytest.approx(0.15) and first["accuracy"] == 0.5
    assert second["confidence"] == pytest.approx(0.325) and second["accuracy"] == 0.5
    assert empty["confidence"] is None and empty["accuracy"] is None
    assert last["confidence"] == pytest.approx(0.975) and last["accuracy"] == 1.0
    # (2 * |0.5 - 0.15| + 2 * |0.5 - 0.325| + 2 * |1 - 0.975|) / 6
    assert result["ece"] == pytest.approx(0.55 / 3)
    assert result["count"] == 6 and result["accuracy"] == pytest.approx(4 / 6)
    assert result["confidence"] == pytest.approx(2.9 / 6)


def test_ten_bins_place_decimal_edges_exactly() -> None:
    """0.3 and 0.9 are upper edges ((0.2, 0.3] and (0.8, 0.9]), though 0.3 * 10 > 3 in floating point."""
    result = reliability([0.3, 0.9, 0.0], [True, True, False])
    assert [i for i, b in enumerate(result["bins"]) if b["count"]] == [0, 2, 8]


def test_perfect_and_worst_calibration() -> None:
    assert reliability([0.8] * 5, [True, True, True, True, False])["ece"] == pytest.approx(0.0)
    assert reliability([1.0, 1.0], [True, True])["ece"] == 0.0
    assert reliability([1.0, 1.0], [False, False])["ece"] == 1.0
    empty = reliability([], [])
    assert (empty["count"], empty["ece"], empty["accuracy"]) == (0, 0.0, None)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="2 probabilities but 1"):
        reliability([0.5, 0.5], [True])
    with pytest.raises(ValueError, match="not in"):
        reliability([1.5], [True])


def test_words_and_spans_of_a_tagged_sentence() -> None:
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"], ["O", "O"]]
    predicted = [[("B-PERS", 0.9), ("I-PERS", 0.7), ("O", 0.99), ("B-ORG", 0.6)], [("O", 0.5), ("I-LOC", 0.65)]]
    result = calibration(gold, predicted, "ner")
    words = result["words"]
    assert words["count"] == 6 and words["accuracy"] == pytest.approx(4 / 6)
    # bins: 0.9 right -> gap 0.1; 0.7 right and 0.65 wrong share (0.6, 0.7]: |0.5 - 0.675| twice; 0.99 right -> 0.01;
    # 0.6 wrong -> 0.6; 0.5 right -> 0.5
    assert words["ece"] == pytest.approx((0.1 + 2 * 0.175 + 0.01 + 0.6 + 0.5) / 6)
    spans = result["spans"]
    # PERS (0.9 + 0.7) / 2 = 0.8 right; ORG 0.6 wrong (gold LOC); a stray I-LOC opens a span, as in `tag`: 0.65 wrong
    assert spans["count"] == 3 and spans["accuracy"] == pytest.approx(1 / 3)
    assert spans["ece"] == pytest.approx((0.2 + 0.6 + 0.65) / 3)
    assert [b["count"] for b in spans["bins"]] == [0, 0, 0, 0, 0, 1, 1, 1, 0, 0]
    # 2 gold spans (PERS, LOC); min-score 0 and 0.6 keep all three (0.6 is kept), 0.7 keeps PERS, 0.9 none
    kept = {row["min_score"]: (row["kept"], row["right"], row["precision"], row["recall"]) for row in spans["by_min_score"]}
    assert kept[0.0] == kept[0.6] == (3, 1, pytest.approx(1 / 3), 0.5)
    assert kept[0.7] == (1, 1, 1.0, 0.5) and kept[0.9] == (0, 0, 0.0, 0.0)
    f1 = {row["min_score"]: row["f1"] for row in spans["by_min_score"]}
    assert (f1[0.0], f1[0.7], f1[0.9]) == (pytest.approx(0.4), pytest.approx(2 / 3), 0.0)
    assert calibration_line(result) == f"expected calibration error: words {words['ece']:.4f} (6), spans {spans['ece']:.4f} (3)"


def test_gold_and_predictions_must_align() -> None:
    with pytest.raises(ValueError):
        calibration([["O", "O"]], [[("O", 0.9)]], "ner")


def test_fit_stores_the_calibration_and_the_card_shows_it(ner_model: Path) -> None:
    from huggingface_hub import ModelCard

    results = json.loads((ner_model / "eval_results.json").read_text(encoding="utf-8"))
    for split, scores in results.items():
        words = scores["calibration"]["words"]
        assert words["count"] == sum(b["count"] for b in words["bins"]) > 0, split
        assert 0 <= words["ece"] <= 1 and words["accuracy"] == pytest.approx(scores["accuracy"])
    card = ModelCard.load(ner_model / "README.md")
    assert "## Calibration" in card.text and "](reliability.png)" in card.text and "](f1_by_type.png)" in card.text
    assert (ner_model / "reliability.png").read_bytes()[:4] == b"\x89PNG"
