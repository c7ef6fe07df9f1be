"""Word-level seqeval metrics: hand-computed scores, strict vs conlleval, degenerate inputs, no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from train.evaluation.metrics import classification_report, compute_seqeval
from train.reporting.text import format_table

# Sentence 1: PERS is right; a stray I-LOC after O is a LOC entity only for conlleval (and is
# predicted identically); ORG is mistaken for LOC. Sentence 2: LOC is right.
REFERENCES = [["B-PERS", "I-PERS", "O", "I-LOC", "O", "B-ORG"], ["B-LOC", "O"]]
PREDICTIONS = [["B-PERS", "I-PERS", "O", "I-LOC", "O", "B-LOC"], ["B-LOC", "O"]]


def test_strict_ignores_stray_inside_tag() -> None:
    strict = compute_seqeval(REFERENCES, PREDICTIONS)["strict"]
    # gold {PERS, ORG, LOC}, predicted {PERS, LOC, LOC}, 2 correct
    assert strict["precision"] == pytest.approx(2 / 3)
    assert strict["recall"] == pytest.approx(2 / 3)
    assert strict["f1"] == pytest.approx(2 / 3)
    assert strict["per_type"] == {
        "LOC": {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3), "support": 1},
        "ORG": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1},
        "PERS": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1},
    }


def test_conlleval_counts_stray_inside_tag_as_entity() -> None:
    conll = compute_seqeval(REFERENCES, PREDICTIONS)["conlleval"]
    # gold {PERS, LOC(stray), ORG, LOC}, predicted {PERS, LOC(stray), LOC, LOC}, 3 correct
    assert conll["precision"] == pytest.approx(0.75)
    assert conll["recall"] == pytest.approx(0.75)
    assert conll["f1"] == pytest.approx(0.75)
    assert conll["per_type"]["LOC"] == {
        "precision": pytest.approx(2 / 3),
        "recall": 1.0,
        "f1": pytest.approx(0.8),
        "support": 2,
    }


def test_token_accuracy_and_plain_floats() -> None:
    metrics = compute_seqeval(REFERENCES, PREDICTIONS)
    assert metrics["accuracy"] == pytest.approx(7 / 8)
    for mode in ("strict", "conlleval"):
        for key in ("precision", "recall", "f1"):
            assert type(metrics[mode][key]) is float
            assert 0.0 <= metrics[mode][key] <= 1.0
        for row in metrics[mode]["per_type"].values():
            assert type(row["support"]) is int


def test_boundary_error_is_wrong_in_both_modes() -> None:
    metrics = compute_seqeval([["B-QTY", "I-QTY", "B-ENT"]], [["B-QTY", "O", "B-ENT"]])
    for mode in ("strict", "conlleval"):
        assert metrics[mode]["per_type"]["QTY"]["f1"] == 0.0
        assert metrics[mode]["per_type"]["ENT"]["f1"] == 1.0
        assert metrics[mode]["f1"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("references", "predictions"),
    [([], []), ([[]], [[]]), ([["O", "O"]], [["O", "O"]]), ([["O", "I-LOC"]], [["O", "I-LOC"]])],
    ids=["no-sentences", "empty-sentence", "all-O", "only-stray-inside"],
)
def test_degenerate_inputs_do_not_crash(references: list[list[str]], predictions: list[list[str]]) -> None:
    metrics = compute_seqeval(references, predictions)
    assert metrics["strict"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "per_type": {}}
    assert isinstance(classification_report(references, predictions), str)
    assert "micro (strict)" in format_table(metrics)


def test_predicted_entities_without_gold_score_zero() -> None:
    metrics = compute_seqeval([["O", "O"]], [["B-PERS", "O"]])
    assert metrics["strict"]["per_type"] == {"PERS": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}}
    assert metrics["accuracy"] == 0.5


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="sentence 0"):
        compute_seqeval([["O", "B-LOC"]], [["O"]])
    with pytest.raises(ValueError, match="sentences"):
        compute_seqeval([["O"]], [])


def test_classification_report_is_strict_with_four_digits() -> None:
    report = classification_report(REFERENCES, PREDICTIONS)
    assert "0.6667" in report  # strict micro F1; conlleval would give 0.7500
    assert "0.7500" not in report


def test_format_table_rows() -> None:
    table = format_table(compute_seqeval(REFERENCES, PREDICTIONS))
    lines = table.splitlines()
    assert lines[0].split() == ["type", "precision", "recall", "f1", "support"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:] if line and not line.startswith("-")}
    assert rows["LOC"] == ["0.5000", "1.0000", "0.6667", "1"]
    assert [line for line in lines if line.startswith("micro (strict)")][0].split()[-4:] == [
        "0.6667",
        "0.6667",
        "0.6667",
        "3",
    ]
    assert [line for line in lines if line.startswith("micro (conlleval)")][0].split()[-4:] == [
        "0.7500",
        "0.7500",
        "0.7500",
        "4",
    ]
    assert lines[-1] == "token accuracy: 0.8750"


_OFFLINE_SCRIPT = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network access attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
from train.evaluation.metrics import compute_seqeval
m = compute_seqeval([["B-LOC", "O"]], [["B-LOC", "O"]])
assert m["strict"]["f1"] == 1.0, m
assert "evaluate" not in sys.modules
print("ok")
"""


@pytest.mark.parametrize("hf_hub_offline", [None, "1"], ids=["HF_HUB_OFFLINE-unset", "HF_HUB_OFFLINE=1"])
def test_works_without_network(hf_hub_offline: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    if hf_hub_offline is not None:
        env["HF_HUB_OFFLINE"] = hf_hub_offline
    result = subprocess.run(
        [sys.executable, "-c", _OFFLINE_SCRIPT],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
