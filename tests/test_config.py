"""Config loading: every file in configs/ validates; typos and bad overrides give actionable errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from train.cli import main
from train.config import ConfigError, load_config, save_config

CONFIGS = sorted((Path(__file__).resolve().parent.parent / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_config_validates(path: Path) -> None:
    config = load_config(path)
    assert config.data.sources, f"{path.name} lists no data sources"
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("#"), f"{path.name} must open with a comment giving its command"
    assert "python -m train" in path.read_text(encoding="utf-8")


def test_extends_merges_sections() -> None:
    config = load_config("configs/ner.yaml")
    assert config.train.task == "ner"
    assert [s.name for s in config.data.sources][:2] == ["seed-gold", "anercorp"]


def test_unknown_key_names_key_file_and_closest(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("train:\n  learning_rat: 0.1\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert "unknown key 'train.learning_rat'" in message
    assert "did you mean 'learning_rate'" in message
    assert str(path) in message


def test_unknown_key_in_a_source_list(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("data:\n  sources:\n    - {name: a, format: jsonl, path: x.jsonl, splt: train}\n")
    with pytest.raises(ConfigError, match=r"unknown key 'data.sources.0.splt'; did you mean 'split'"):
        load_config(path)


def test_unknown_top_level_section(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("trian:\n  epochs: 1\n")
    with pytest.raises(ConfigError, match="did you mean 'train'"):
        load_config(path)


def test_overrides_are_typed_and_validated() -> None:
    config = load_config("configs/tiny.yaml", ["train.epochs=7", "train.task=claims", "model.tiny.hidden_size=32"])
    assert config.train.epochs == 7
    assert config.train.task == "claims"
    assert config.model.tiny.hidden_size == 32
    assert config.path(config.train.output_dir).name == "tiny-claims"
    with pytest.raises(ConfigError, match="train.epochs"):
        load_config("configs/tiny.yaml", ["train.epochs=many"])
    with pytest.raises(ConfigError, match="did you mean 'epochs'"):
        load_config("configs/tiny.yaml", ["train.epoch=3"])
    with pytest.raises(ConfigError, match="expected dotted"):
        load_config("configs/tiny.yaml", ["train.epochs"])
    assert load_config("configs/tiny.yaml", ["train.fast_dropout=0"]).train.fast_dropout == 0.0
    with pytest.raises(ConfigError, match="train.fast_dropout"):
        load_config("configs/tiny.yaml", ["train.fast_dropout=1"])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("train.lr_scheduler=linaer", r"train.lr_scheduler: Input should be 'linear', 'cosine'"),
        ("train.warmup_ratio=1", "train.warmup_ratio"),
        ("data.test_fraction=0.9", r"validation_fraction \(0.1\) \+ test_fraction \(0.9\) must be below 1"),
    ],
)
def test_values_that_cannot_train_fail_at_load(override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config("configs/tiny.yaml", [override, "data.validation_fraction=0.1"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "config file not found"),
        ("extends: run.yaml\n", "'extends' loops back to itself"),
        ("train: [epochs: 3\n", "not valid YAML"),
        ("- train\n", "expected a mapping of sections"),
    ],
)
def test_unreadable_config_files_name_the_file(tmp_path: Path, capsys: pytest.CaptureFixture, text, message: str) -> None:
    path = tmp_path / "run.yaml"
    if text is not None:
        path.write_text(text)
    assert main(["data", str(path)]) == 2
    error = capsys.readouterr().err
    assert str(path) in error and message in error


def test_an_override_picks_a_list_item_by_index() -> None:
    config = load_config("configs/data.yaml", ["data.sources.1.path=/corpora/train.txt", "data.sources.1.block_size=20"])
    assert (config.data.sources[1].path, config.data.sources[1].block_size) == ("/corpora/train.txt", 20)
    assert load_config("configs/data.yaml").data.sources[1].path == "{data_root}/anercorp/train.txt"
    with pytest.raises(ConfigError, match=r"data.sources is a list of 8; give an index from 0 to 7"):
        load_config("configs/data.yaml", ["data.sources.8.path=x"])
    with pytest.raises(ConfigError, match=r"unknown key 'data.sources.0.pth'"):
        load_config("configs/data.yaml", ["data.sources.0.pth=x"])


def test_data_root_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ARABIC_DATA_ROOT", str(tmp_path))
    config = load_config("configs/mini.yaml")
    assert config.path(config.data.sources[0].path) == tmp_path / "anercorp" / "train.txt"
    config = load_config("configs/mini.yaml", [f"data.root={tmp_path / 'elsewhere'}"])
    assert config.data_root() == tmp_path / "elsewhere"


def test_resolved_config_round_trips(tmp_path: Path) -> None:
    config = load_config("configs/tiny.yaml", ["train.seed=5"])
    saved = save_config(config, tmp_path)
    assert load_config(saved) == config
