"""Folders written by ``fit`` load with plain transformers 4.45 to 4.57 and 5.x alike, and so does the card's code.

The 4.x side runs in the environments ``make compat-envs`` builds under ``runs/compat/`` (they share
``.venv``'s torch). Without them these tests skip, unless ``REQUIRE_COMPAT_ENVS=1`` (CI) makes them fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from train.cli import main
from train.inference.models import load_trained
from train.inference.portable import portability_problems

ROOT = Path(__file__).resolve().parent.parent
LOAD_CHECK = ROOT / "tests" / "compat" / "load_check.py"
COMPAT_ROOT = ROOT / "runs" / "compat"
WHOLE_WORD_STRATEGIES = ("first", "average", "max")


@pytest.fixture(scope="session")
def compat_pythons() -> dict[str, Path]:
    """``{env name: its python}`` for every finished environment under ``runs/compat`` (asked for before the
    model fixtures, so that a skip trains nothing)."""
    envs = sorted(COMPAT_ROOT.glob("transformers-*"))
    found = {env.name: env / "bin" / "python" for env in envs if (env / ".installed").is_file()}
    if not found:
        reason = f"no transformers 4.x environment under {COMPAT_ROOT}: run `make compat-envs` (about a minute, from PyPI)"
        if os.environ.get("REQUIRE_COMPAT_ENVS") == "1":
            pytest.fail(reason + " (REQUIRE_COMPAT_ENVS=1)")
        pytest.skip(reason)
    return found


def run(python: Path | str, *args: str) -> str:
    env = {**os.environ, "TRANSFORMERS_VERBOSITY": "error", "PYTHONPATH": ""}
    done = subprocess.run([str(python), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, f"{python} {' '.join(args)}:\n{done.stderr[-3000:]}"
    return done.stdout


def without_scores(items: list[dict]) -> list[dict]:
    return [{key: value for key, value in item.items() if key != "score"} for item in items]


def is_word_boundary(text: str, position: int) -> bool:
    return position in (0, len(text)) or not (text[position - 1].isalnum() and text[position].isalnum())


def test_fit_writes_tokenizer_files_that_transformers_4_reads(ner_model: Path) -> None:
    config = json.loads((ner_model / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert json.loads((ner_model / "tokenizer.json").read_text(encoding="utf-8"))["decoder"]["type"] == "WordPiece"
    assert portability_problems(ner_model) == []


def test_a_folder_of_an_older_version_loads_and_is_re_saved_by_the_portable_command(
    ner_model: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture
) -> None:
    old = tmp_path / "model"
    shutil.copytree(ner_model, old)
    config = json.loads((old / "tokenizer_config.json").read_text(encoding="utf-8"))
    (old / "tokenizer_config.json").write_text(json.dumps({**config, "tokenizer_class": "TokenizersBackend"}), encoding="utf-8")
    backend = json.loads((old / "tokenizer.json").read_text(encoding="utf-8"))
    (old / "tokenizer.json").write_text(json.dumps({**backend, "decoder": None}, ensure_ascii=False), encoding="utf-8")
    text = "زارَ الرئيس الفرنسي القاهرةَ عام ٢٠٢٣"
    expected = load_trained(ner_model)[0](text).tokens()

    tokenizer, _ = load_trained(old, "ner")
    assert tokenizer(text).tokens() == expected
    warning = [r.getMessage() for r in caplog.records if "transformers 4.x cannot load" in r.getMessage()]
    assert len(warning) == 1 and f"python -m train portable {old}" in warning[0] and "\n" not in warning[0]

    assert main(["portable", str(old)]) == 0
    assert "fixed:" in capsys.readouterr().out
    assert portability_problems(old) == []
    assert load_trained(old)[0](text).tokens() == expected
    assert main(["portable", str(old)]) == 0
    assert "already loads" in capsys.readouterr().out
    assert main(["portable", str(tmp_path)]) == 2  # not a model folder


@pytest.mark.slow  # three interpreters load two models and tag five texts five ways: about 40 s
def test_folders_give_the_same_tokens_and_predictions_in_transformers_4_and_5(
    compat_pythons: dict[str, Path], ner_model: Path, claims_model: Path
) -> None:
    folders = [str(ner_model), str(claims_model)]
    outputs = {"5": json.loads(run(sys.executable, str(LOAD_CHECK), *folders))}
    assert outputs["5"]["transformers"].startswith("5.")
    for name, python in compat_pythons.items():
        outputs[name] = json.loads(run(python, str(LOAD_CHECK), *folders))
        assert outputs[name]["transformers"].startswith(name.removeprefix("transformers-") + "."), name

    reference = outputs.pop("5")["models"]
    ner_texts = reference[str(ner_model)]["texts"]
    plain, indic, diacritized = ner_texts[1]["tokens"], ner_texts[3]["tokens"], ner_texts[4]["tokens"]
    assert indic == plain, "Arabic-Indic digits read as 0-9 by the saved normalizer"
    assert "[UNK]" not in diacritized[1:-1] and diacritized[-2] == "القاهرة", "diacritics and tatweel removed"
    assert any(row["pipeline"]["first"] for row in ner_texts), "the tiny NER model tags some entities"
    for folder, expected in reference.items():
        for row in expected["texts"][:4]:  # no diacritics: the pipeline's word grouping holds there
            for strategy in WHOLE_WORD_STRATEGIES:
                for entity in row["pipeline"][strategy]:
                    assert "-" not in entity["entity_group"]
                    assert is_word_boundary(row["text"], entity["start"]) and is_word_boundary(row["text"], entity["end"]), (
                        strategy,
                        entity,
                    )
        for name, output in outputs.items():
            got = output["models"][folder]
            assert got["tokenizer_class"] == "PreTrainedTokenizerFast", name
            assert got["labels"] == expected["labels"], name
            for row, want in zip(got["texts"], expected["texts"], strict=True):
                assert row["tokens"] == want["tokens"] and row["decoded"] == want["decoded"], (name, row["text"])
                for strategy, items in want["pipeline"].items():
                    assert without_scores(row["pipeline"][strategy]) == without_scores(items), (name, strategy, row["text"])
                    scores = [item["score"] for item in row["pipeline"][strategy]]
                    assert scores == pytest.approx([item["score"] for item in items], abs=2e-3), (name, strategy)


def usage_code(model_dir: Path) -> str:
    """The first python block under the card's ``## How to use``, the folder put in place of the repo id."""
    card = (model_dir / "README.md").read_text(encoding="utf-8")
    section = card.split("## How to use", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code, f"{model_dir}/README.md: no python block under ## How to use"
    return code.group(1).replace("ORG/NAME", str(model_dir))


def test_the_cards_usage_code_runs_in_transformers_4_and_5(
    compat_pythons: dict[str, Path], ner_model: Path, claims_model: Path, tmp_path: Path
) -> None:
    for model_dir in (ner_model, claims_model):
        assert "ORG/NAME" in (model_dir / "README.md").read_text(encoding="utf-8")
        assert "transformers 4.45-4.57 and 5.x" in (model_dir / "README.md").read_text(encoding="utf-8")
    script = tmp_path / "usage.py"
    script.write_text("\n".join(usage_code(folder) for folder in (ner_model, claims_model)), encoding="utf-8")
    for python in [sys.executable, *compat_pythons.values()]:
        run(python, str(script))
