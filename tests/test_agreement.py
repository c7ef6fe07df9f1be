"""Agreement between two annotation passes, on a hand-computed pair of passes, and the tool's table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from train.evaluation.agreement import agreement, read_pass


def _qty(start: int, end: int, value: float, entity: tuple[int, int] | None, time: tuple[int, int] | None = None) -> dict:
    record = {
        "value": value,
        "lower": None,
        "upper": None,
        "lower_inclusive": None,
        "upper_inclusive": None,
        "kind": "count",
        "entity": None if entity is None else {"start": entity[0], "end": entity[1]},
        "time": None if time is None else {"start": time[0], "end": time[1]},
        "entity_inherited": False,
        "time_inherited": False,
    }
    return {"start": start, "end": end, "label": "QTY", "layer": "claims", "record": record}


def _span(start: int, end: int, label: str) -> dict:
    return {"start": start, "end": end, "label": label, "layer": "claims"}


FIRST = {
    "a": [_qty(0, 4, 40, (5, 10), (20, 30)), _span(5, 10, "ENT"), _span(20, 30, "TIME"), _qty(40, 42, 7, (43, 50))],
    "b": [_qty(0, 3, 12, None)],
    "only-first": [_qty(0, 3, 1, None)],
}
SECOND = {
    # the same first claim; the second claim's ENT is longer (exact: no, overlap: yes); no TIME span
    "a": [_qty(0, 4, 40, (5, 10), (20, 30)), _span(5, 10, "ENT"), _qty(40, 42, 7, (43, 55)), _span(43, 55, "ENT")],
    "b": [_qty(0, 3, 13, None)],  # same span, another value
}
FIRST["a"].append(_span(43, 50, "ENT"))


def test_hand_computed_agreement() -> None:
    result = agreement(FIRST, SECOND)
    assert result.articles == 2  # 'only-first' is not shared
    assert result.spans["QTY"] == {"first": 3, "second": 3, "both": 3, "f1": 1.0}
    assert result.spans["ENT"] == {"first": 2, "second": 2, "both": 1, "f1": 0.5}
    assert result.spans["TIME"] == {"first": 1, "second": 0, "both": 0, "f1": 0.0}
    figures = {name: figure.value for name, figure in result.claims.figures["all"].items()}
    assert figures["values"] == pytest.approx(2 / 3)
    assert figures["entity_exact"] == pytest.approx(2 / 3) and figures["entity_overlap"] == 1.0
    assert figures["time_exact"] == 1.0
    assert figures["claim_f1"] == pytest.approx(1 / 3)  # only the first claim of 'a' agrees whole


def test_the_tool_prints_the_table(tmp_path: Path) -> None:
    paths = []
    for name, passes in (("first", FIRST), ("second", SECOND)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps({"id": i, "spans": s}) + "\n" for i, s in passes.items()), encoding="utf-8")
        paths.append(path)
    assert read_pass(paths[1]) == SECOND
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "agreement.py"), *map(str, paths), "--resamples", "50"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "2 articles annotated in both passes" in run.stdout
    assert "ENT    2           2            1           50.0" in run.stdout
    assert "33.3 [" in run.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "spans": []}\n{"id": \n', "second.jsonl:2: malformed JSON"),
        ('{"spans": []}\n', "second.jsonl:1: expected an 'id' and a list of 'spans'"),
        ('{"id": "a", "spans": [{"layer": "claims", "label": "QTY"}]}\n', "second.jsonl:1: a claims span without"),
    ],
)
def test_the_tool_names_the_file_and_line_of_a_bad_pass(tmp_path: Path, content: str, message: str) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text('{"id": "a", "spans": []}\n', encoding="utf-8")
    second.write_text(content, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "agreement.py"), str(first), str(second)], capture_output=True, text=True
    )
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
