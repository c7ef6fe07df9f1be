"""tools/claims_table.py: each model folder's row found by its folder, however the folder is spelled, and errors
that say which command writes what is missing."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from train.reporting.text import CLAIM_COLUMNS

TOOL = Path(__file__).resolve().parent.parent / "tools" / "claims_table.py"


def _tool():
    spec = importlib.util.spec_from_file_location("claims_table", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _system(f1: float) -> dict:
    figure = {"value": f1, "low": None, "high": None}
    return {"seqeval": {"strict": {"per_type": {}}}, "claim": {"figures": {"all": dict.fromkeys(CLAIM_COLUMNS.values(), figure)}}}


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> str:
    monkeypatch.setattr(sys, "argv", ["claims_table.py", *args])
    _tool().main()
    return capsys.readouterr().out


def test_each_folder_gives_its_own_row_however_it_is_spelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    folders = [tmp_path / "s1" / "model", tmp_path / "s2" / "model"]
    models = {str(f): _system(0.3 + 0.4 * i) for i, f in enumerate(folders)}
    stored = {"articles": 2, "gold_qty": 5, "rules": _system(0.1), **models}
    for folder in folders:  # evaluate of both folders writes the same file into each
        folder.mkdir(parents=True)
        (folder / "claims_eval_test.json").write_text(json.dumps(stored), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "s2")
    out = _run(monkeypatch, capsys, "model")  # s2's folder, relative: not the first key that ends in "model"
    assert "| model, 1 seeds | 70.0 |" in out
    assert "| model, 1 seeds | 70.0 |" in _run(monkeypatch, capsys, "../s2/./model")


def test_what_is_missing_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    with pytest.raises(SystemExit, match=f"no scores of {folder}; run python -m train evaluate {folder} --split test"):
        _run(monkeypatch, capsys, str(folder))
    stored = {"articles": 2, "gold_qty": 5, "rules": _system(0.1), str(folder): _system(0.5)}
    (folder / "claims_eval_test.json").write_text(json.dumps(stored), encoding="utf-8")
    with pytest.raises(SystemExit, match="--source blind: not a gold source of the split"):
        _run(monkeypatch, capsys, str(folder), "--source", "blind")
