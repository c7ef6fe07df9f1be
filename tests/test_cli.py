"""The thin command line: `quantity`, `silver`, `push` errors and dry run, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from train.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_quantity_prints_the_record(capsys: pytest.CaptureFixture) -> None:
    assert main(["quantity", "نحو 6500"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert list(record) == [
        "value",
        "lower",
        "upper",
        "lower_inclusive",
        "upper_inclusive",
        "approx",
        "vague",
        "kind",
        "unit",
        "currency",
    ]
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
    monkeypatch.setattr("train.reporting.push.get_token", lambda: None)
    assert main(["push", str(ner_model), "--repo-id", "org/name"]) == 2
    assert "HF_TOKEN" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["evaluate", "linker"])
def test_a_folder_that_is_no_model_says_so(command: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main([command, str(tmp_path / "nope")]) == 2
    assert "nope: no run_config.yaml; pass a model folder written by fit" in capsys.readouterr().err


def test_config_error_exits_two_with_message(capsys: pytest.CaptureFixture) -> None:
    assert main(["data", "configs/tiny.yaml", "data.sed=3"]) == 2
    assert "did you mean 'seed'" in capsys.readouterr().err


def test_silver_command_writes_silver_and_augmented_sentences_without_gold_articles(tmp_path: Path, capsys) -> None:
    gold_test_id = json.loads((ROOT / "data" / "gold" / "claims-test.jsonl").read_text(encoding="utf-8").splitlines()[0])["id"]
    corpus = tmp_path / "ant-news"
    corpus.mkdir()
    articles = [
        {"docno": "A-1", "text": "قتل 25 شخصا في الهجوم. وصادرت الشرطة 42 كلغ من المخدرات."},
        {"docno": gold_test_id, "text": "ارتفعت الأسعار بنسبة 20 في المئة."},
    ]
    (corpus / "ant-00.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    out = tmp_path / "out"
    argv = [
        "silver",
        "configs/data.yaml",
        f"data.root={tmp_path}",
        f"silver.output={out}/claims.jsonl",
        f"silver.augment_output={out}/augmented.jsonl",
        "silver.augment=6",
    ]
    assert main(argv) == 0
    assert '"augmented": 6' in capsys.readouterr().out
    silver = [json.loads(line)["id"] for line in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    assert silver == ["A-1", gold_test_id]  # the data step drops the gold article from training
    augmented = [json.loads(line) for line in (out / "augmented.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(augmented) == 6 and all(row["id"].startswith("A-1#aug") for row in augmented)
    assert not any("المئة" in row["text"] for row in augmented)


def test_fit_before_data_and_fit_with_no_training_rows_say_what_to_run(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = tmp_path / "test-only.yaml"
    config.write_text(
        f"extends: {ROOT / 'configs' / 'tiny.yaml'}\n"
        "data:\n"
        f"  output: {tmp_path / 'data'}\n"
        "  sources:\n"
        f"    - {{name: fixtures, format: jsonl, path: {ROOT / 'tests' / 'fixtures' / 'articles.jsonl'}, split: test}}\n"
        f"train:\n  output_dir: {tmp_path / 'run'}\n",
        encoding="utf-8",
    )
    assert main(["fit", str(config)]) == 2
    assert f"no prepared dataset at {tmp_path / 'data'}: run `python -m train data` first" in capsys.readouterr().err
    assert main(["data", str(config)]) == 0
    capsys.readouterr()
    assert main(["fit", str(config)]) == 2
    assert "the prepared dataset has no training rows annotated in the 'ner' layer" in capsys.readouterr().err
