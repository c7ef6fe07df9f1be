"""The thin command line: `quantity`, `push` errors and dry run, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from train.cli import main


def test_quantity_prints_the_record(capsys: pytest.CaptureFixture) -> None:
    assert main(["quantity", "نحو 6500"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert list(record) == ["value", "lower", "upper", "lower_inclusive", "upper_inclusive", "approx", "vague", "kind", "unit", "currency"]
    assert record["value"] == 6500 and record["approx"] is True and record["kind"] == "count"


def test_quantity_unreadable_prints_nulls_and_exits_zero(capsys: pytest.CaptureFixture) -> None:
    assert main(["quantity", "أعداد كبيرة"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["value"] is None and record["lower"] is None and record["upper"] is None


def test_push_dry_run_lists_files(ner_model: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["push", str(ner_model), "--repo-id", "org/name", "--dry-run"]) == 0
    listed = capsys.readouterr().out
    assert "model.safetensors" in listed and "README.md" in listed and "training_args.bin" not in listed


def test_push_without_token_fails_before_work(ner_model: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr("train.push.get_token", lambda: None)
    assert main(["push", str(ner_model), "--repo-id", "org/name"]) == 2
    assert "HF_TOKEN" in capsys.readouterr().err


def test_config_error_exits_two_with_message(capsys: pytest.CaptureFixture) -> None:
    assert main(["data", "configs/tiny.yaml", "data.sed=3"]) == 2
    assert "did you mean 'seed'" in capsys.readouterr().err
