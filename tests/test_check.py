"""``python -m train check``: the resolved config, each source's role and counts per split, and one line
per problem (exit 2); silver data not built yet is a note (exit 0). Nothing is built."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from train.cli import main

DATA_CONFIGS = ["mini.yaml", "aqmar.yaml", "wojood.yaml", "data.yaml"]


def _check(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


def _problems(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("problem: ")]


def test_tiny_from_another_working_directory(capsys: pytest.CaptureFixture, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _check(capsys, "configs/tiny.yaml")
    assert code == 0 and out.rstrip().endswith("config OK")
    assert "train:\n  task: ner\n" in out and "  engine: trainer\n  trainer:\n    lr_scheduler_type: linear\n" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith(("seed-gold ", "fixtures "))}
    assert rows["seed-gold"][1:6] == ["gold", "jsonl", "train", "ner+claims", "1/23"]
    assert rows["fixtures"][5:] == ["2/4", "1/2", "1/2"], "documents/sentences of train, validation, test"
    assert not list(tmp_path.iterdir()), "nothing written"


@pytest.mark.parametrize("name", DATA_CONFIGS)
def test_every_data_config_checks(capsys: pytest.CaptureFixture, shared_data: Path, name: str) -> None:
    code, out = _check(capsys, str(ROOT / "configs" / name))
    assert code == 0, _problems(out)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        (["train.fast.dropout=0"], "train.fast.dropout: set for the fast engine, but train.engine is trainer"),
        (["data.sources.0.path=missing.jsonl"], "source 'seed-gold': expected "),
        (["data.sources.1.format=xml"], "data.sources.1.format: Input should be 'jsonl', 'conll', 'standoff'"),
    ],
    ids=["engine-key", "missing-path", "unknown-format"],
)
def test_each_problem_is_one_line(capsys: pytest.CaptureFixture, tmp_path: Path, monkeypatch, overrides, problem) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _check(capsys, "configs/tiny.yaml", *overrides)
    assert code == 2
    problems = _problems(out)
    assert len(problems) == 1 and problem in problems[0], out
    if "missing" in overrides[0]:
        assert str(tmp_path / "missing.jsonl") in problems[0], "an override's path starts at the working directory"


def test_silver_not_built_yet_is_a_note(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "articles.jsonl", tmp_path / "articles.jsonl")
    config = tmp_path / "run.yaml"
    config.write_text(
        "silver: {output: silver.jsonl, augment_output: augmented.jsonl}\n"
        "model: {tiny: {}}\n"
        "data:\n  sources:\n"
        "    - {name: gold, format: jsonl, path: articles.jsonl}\n"
        "    - {name: silver, format: jsonl, path: augmented.jsonl, role: augmented, split: train}\n"
        "    - {name: stray, format: jsonl, path: stray.jsonl, role: silver}\n"
    )
    code, out = _check(capsys, str(config))
    assert "note: source 'silver' (augmented): not built yet: run make silver" in out
    assert code == 2 and len(_problems(out)) == 1 and "source 'stray': expected" in _problems(out)[0], "not an output"
