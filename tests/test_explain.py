"""``tag --explain``, run as ``python -m train`` with a patched ``sys.argv``: each claim record says which
rules made its QTY, ENT and TIME spans (or which claims model), and how the linker chose its ENT and
TIME among which candidates; without ``--explain`` the records are as before."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest

from train.claims.exclusions import EXCLUSIONS
from train.inference.tagger import Tagger

ARTICLE = (
    "قتل 25 شخصا في الهجوم يوم الأحد، وأعلنت الوزارة مقتل شخص واحد على الأقل. "
    "وبلغت الخسائر 100 مليون دولار. الأمم المتحدة: 270 ألف نازح بسبب القتال."
)


def _tag(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *options: str) -> tuple[int, list[dict]]:
    """Exit code and records of ``python -m train tag [options] article -o out``, run in this process."""
    article, output = tmp_path / "article.txt", tmp_path / "tagged.jsonl"
    article.write_text(ARTICLE, encoding="utf-8")
    output.unlink(missing_ok=True)
    monkeypatch.setattr(sys, "argv", ["python -m train", "tag", *options, str(article), "-o", str(output)])
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("train", run_name="__main__")
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()] if output.exists() else []
    return exited.value.code, records


def test_explain_names_the_rules_of_every_span_and_the_links(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, [record] = _tag(monkeypatch, tmp_path, "--explain")
    assert code == 0
    claims = {c["text"]: c for c in record["claims"]}
    assert list(claims) == ["25", "واحد على الأقل", "100 مليون دولار", "270 ألف"]
    for claim in claims.values():
        qty = claim["explain"]["qty"]
        assert qty["made_by"] == "rules"
        assert qty["exclusions_passed"] == [rule.__name__ for rule in EXCLUSIONS]
        assert {claim["explain"]["entity"]["linker"], claim["explain"]["time"]["linker"]} == {"rules"}
    assert [claims[t]["explain"]["qty"]["rule"] for t in claims] == [
        "count",
        "one_counting_its_noun",
        "amount_with_marker",
        "count",
    ]

    count = claims["25"]["explain"]
    assert [c["text"] for c in count["entity"]["candidates"]] == ["شخصا"]
    assert count["entity"]["chosen"] == {"text": "شخصا", "start": 7, "end": 11}
    assert count["entity"]["span"] == {
        "made_by": "rules",
        "rule": "counted_noun",
        "counted_by": {"text": "25", "start": 4, "end": 6},
    }
    time = count["time"]
    assert time["chosen"]["text"] == "يوم الأحد" and [c["text"] for c in time["candidates"]] == ["يوم الأحد"]
    assert time["span"]["rule"] == "bare: day_and_weekday"
    assert [q["text"] for q in time["span"]["nearest_to"]] == ["25"]  # not past "، وأعلنت": another clause
    assert time["tagger"]["chosen"]["text"] == "يوم الأحد" and "8 words" in time["tagger"]["rule"]

    one = claims["واحد على الأقل"]["explain"]["entity"]
    assert one["chosen"]["text"] == "شخص" and one["span"]["rule"] == "noun_counted_by_one"
    money = claims["100 مليون دولار"]["explain"]
    assert money["entity"]["chosen"] == {"text": "الخسائر", "start": 79, "end": 86}
    assert money["entity"]["span"]["rule"] == "measured_variable" and not money["entity"]["inherited"]
    assert money["time"] == {**money["time"], "candidates": [], "chosen": None, "span": None, "inherited": False}
    assert "tagger" not in money["entity"]
    nothing = claims["270 ألف"]["explain"]["time"]  # a new sentence without a continuation word inherits nothing
    assert (nothing["chosen"], nothing["inherited"]) == (None, False)


def test_explain_names_an_inherited_link(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ARTICLE", "قتل 37 شخصا منذ الأربعاء. كما قتل 58 مسلحا.")
    code, [record] = _tag(monkeypatch, tmp_path, "--explain")
    assert code == 0
    first, second = record["claims"]
    assert (second["time"], second["time_inherited"], second["linker"]["time"]) == ("منذ الأربعاء", True, "rules")
    time = second["explain"]["time"]
    assert time["inherited"] and time["chosen"] == {"text": "منذ الأربعاء", "start": 12, "end": 24}
    assert time["candidates"] == [time["chosen"]] and "earlier sentence" in time["rule"]
    assert time["span"]["rule"] == "preposition_and_time" and time["span"]["nearest_to"][0]["text"] == "37"
    assert time["tagger"]["chosen"] is None  # the tagger found no TIME in the sentence itself


def test_without_explain_the_records_are_as_before(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _, [plain] = _tag(monkeypatch, tmp_path)
    _, [explained] = _tag(monkeypatch, tmp_path, "--explain")
    assert all("explain" not in claim for claim in plain["claims"])
    assert plain["claims"] == [{k: v for k, v in claim.items() if k != "explain"} for claim in explained["claims"]]
    [from_python] = Tagger(explain=True)([ARTICLE], ids=["article"])
    assert from_python["claims"] == explained["claims"]


def test_explain_needs_jsonl(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, records = _tag(monkeypatch, tmp_path, "--explain", "--format", "doccano")
    assert (code, records) == (2, [])
    assert "--explain adds a field to the JSONL records" in capsys.readouterr().err


def test_explain_names_the_claims_model_and_the_linker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, claims_model: Path
) -> None:
    code, [record] = _tag(monkeypatch, tmp_path, "--explain", "--claims", str(claims_model))
    assert code == 0 and record["claims"]
    for claim in record["claims"]:
        explain = claim["explain"]
        assert explain["qty"] == {"made_by": "model", "model": str(claims_model)}
        for link in ("entity", "time"):
            assert explain[link]["linker"] == "rules"
            chosen = explain[link]["chosen"]
            assert (chosen and chosen["start"]) == claim[f"{link}_start"]
            assert explain[link]["span"] == (chosen and {"made_by": "model", "model": str(claims_model)})
