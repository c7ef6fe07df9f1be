"""Config loading: every file in configs/ validates; typos, bad overrides and keys of the other engine give
actionable errors; paths start at the config file; source sets; saved configs of the flat-key shape still read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from train.cli import main
from train.config import MOVED, ConfigError, TrainerSection, load_config, resolve_path, save_config, translate_flat_keys

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
    assert load_config("configs/tiny.yaml", ["train.engine=fast", "train.fast.dropout=0"]).train.fast.dropout == 0.0
    with pytest.raises(ConfigError, match="train.fast.dropout"):
        load_config("configs/tiny.yaml", ["train.engine=fast", "train.fast.dropout=1"])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("train.trainer.lr_scheduler_type=linaer", r"train.trainer.lr_scheduler_type: Input should be 'linear', 'cosine'"),
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
    count = len(load_config("configs/data.yaml").data.sources)  # grows with each gold file
    with pytest.raises(ConfigError, match=rf"data.sources is a list of {count}; give an index from 0 to {count - 1}"):
        load_config("configs/data.yaml", [f"data.sources.{count}.path=x"])
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


FLAT = Path(__file__).resolve().parent / "fixtures" / "flat-keys" / "run_config.yaml"  # saved by the version before #20


def _config_file(folder: Path, text: str, name: str = "run.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder / name


def test_train_engine_selects_its_own_section() -> None:
    trainer = load_config("configs/tiny.yaml", ["train.trainer.lr_scheduler_type=cosine"]).train
    assert (trainer.engine, trainer.trainer.lr_scheduler_type) == ("trainer", "cosine") and not hasattr(trainer, "fast")
    fast = load_config("configs/mini.yaml", ["train.engine=fast", "train.fast.batch_tokens=512"]).train
    assert (fast.engine, fast.fast.batch_tokens, fast.fast.learning_rate) == ("fast", 512, 5e-4)
    assert fast.learning_rate == 1e-4, "the shared keys of the file stay (the Trainer's learning rate)"


@pytest.mark.parametrize(
    ("text", "overrides", "line"),
    [
        ("", ["train.fast.dropout=0"], "train.fast.dropout: set for the fast engine, but train.engine is trainer; "),
        ("train: {engine: fast, trainer: {report_to: wandb}}\n", [], "train.trainer.report_to: set for the trainer engine"),
        ("train: {fast_dropout: 0.0}\n", [], "train.fast_dropout: now train.fast.dropout, a fast-engine key, but train.engine"),
        ("train: {engine: fast, batch_tokens: 512}\n", [], "train.batch_tokens: now train.fast.batch_tokens (see"),
        ("train: {lr_scheduler: cosine}\n", [], "train.lr_scheduler: now train.trainer.lr_scheduler_type (see"),
        ("", ["train.trainer.adam_beta=0.9"], "train.trainer.adam_beta: not a field of transformers.TrainingArguments; "),
        ("", ["train.trainer.learning_rate=1e-3"], "train.trainer.learning_rate: set train.learning_rate instead"),
        ("", ["train.trainer.eval_strategy=steps"], "train.trainer.eval_strategy: fit sets it from"),
        ("", ["train.engine=fast", "train.fast.dropuot=0"], "unknown key 'train.fast.dropuot'; did you mean 'dropout'?"),
        ("", ["train.engine=slow"], "train: Input tag 'slow' found using 'engine' does not match any of the expected tags"),
    ],
)
def test_a_key_in_the_wrong_place_is_one_line_naming_where_it_belongs(tmp_path: Path, text, overrides, line) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(_config_file(tmp_path, text), overrides)
    header, *lines = str(error.value).splitlines()
    assert len(lines) == 1 and lines[0].strip().startswith(line), str(error.value)


def test_the_trainer_section_is_training_arguments_by_name(tmp_path: Path) -> None:
    from train.config.engines import training_argument_names
    from train.training.trainer import training_arguments

    assert set(TrainerSection.model_fields) <= training_argument_names()
    config = load_config("configs/tiny.yaml", ["train.trainer.adam_beta2=0.98", "train.trainer.lr_scheduler_type=cosine"])
    arguments = training_arguments(config, tmp_path, has_validation=True)
    assert (arguments.adam_beta2, arguments.lr_scheduler_type.value) == (0.98, "cosine")
    assert (arguments.learning_rate, arguments.num_train_epochs, arguments.per_device_train_batch_size) == (3e-3, 20, 8)
    assert arguments.train_sampling_strategy == "group_by_length" and arguments.report_to == []


def test_a_saved_config_with_the_flat_keys_reads_through_the_translation(caplog: pytest.LogCaptureFixture) -> None:
    expected = load_config(
        "configs/tiny.yaml",
        ["train.engine=fast", "train.fast.dropout=0", "train.fast.batch_tokens=512", "train.fast.save_steps=2"],
    )
    with caplog.at_level("INFO", logger="train.config"):
        assert load_config(FLAT) == expected
        assert load_config(FLAT) == expected
    logged = [r.getMessage() for r in caplog.records if "flat train keys" in r.getMessage()]
    assert len(logged) == 1, "logged once"
    assert "train.fast_dropout -> train.fast.dropout" in logged[0] and "train.lr_scheduler dropped (trainer engine)" in logged[0]
    raw = {"train": {"engine": "trainer", "group_by_length": False, "report_to": [], "batch_tokens": 2048, "epochs": 1}}
    translated, _ = translate_flat_keys(raw)
    assert translated["train"] == {
        "engine": "trainer",
        "epochs": 1,
        "trainer": {"train_sampling_strategy": "random", "report_to": "none"},
    }
    assert set(MOVED) == {"fast_learning_rate", "batch_tokens", "fast_dropout", "compile", "save_steps", "lr_scheduler",
                          "group_by_length", "gradient_accumulation_steps", "dataloader_num_workers", "report_to"}  # fmt: skip


def test_checkpoints_stamped_with_the_flat_keys_still_resume(tmp_path: Path) -> None:
    from train.training.checkpoints import FAST_FILES, checkpoint_to_resume, mark_complete

    checkpoints = tmp_path / "checkpoints"
    folder = checkpoints / "checkpoint-4"
    folder.mkdir(parents=True)
    for (name,) in FAST_FILES:
        (folder / name).write_bytes(b"x")
    mark_complete(folder)
    shutil.copy(FLAT, checkpoints / "run_config.yaml")
    config = load_config(
        "configs/tiny.yaml", ["train.engine=fast", "train.fast.dropout=0", "train.fast.batch_tokens=512", "train.logging_steps=1"]
    )
    assert checkpoint_to_resume(config, checkpoints, FAST_FILES) == folder, "train.fast.save_steps may differ on a resume"
    with pytest.raises(ConfigError, match=r"train.fast.dropout: 0.0 -> 0.1"):
        checkpoint_to_resume(config.model_copy(update={"train": config.train.model_copy(
            update={"fast": config.train.fast.model_copy(update={"dropout": 0.1})})}), checkpoints, FAST_FILES)  # fmt: skip


def test_paths_start_at_the_config_file_from_any_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(Path(__file__).parent / "fixtures" / "articles.jsonl", tmp_path / "articles.jsonl")
    path = _config_file(
        tmp_path / "configs",
        f"extends: {ROOT / 'configs' / 'tiny.yaml'}\n"
        "data:\n  output: ../out/data\n  sources:\n    - {name: mine, format: jsonl, path: ../articles.jsonl}\n"
        "train:\n  output_dir: ../out/{task}\n",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(path)
    assert config.path(config.data.sources[0].path) == tmp_path / "articles.jsonl"
    assert config.path(config.data.output) == tmp_path / "out" / "data"
    assert config.path(config.train.output_dir) == tmp_path / "out" / "ner"
    assert config.model.tiny is not None, "the rest comes from configs/tiny.yaml"
    tiny = load_config("configs/tiny.yaml")  # found from the project root; its paths start at configs/
    assert tiny.path(tiny.data.sources[0].path) == ROOT / "data" / "gold" / "seed.jsonl"
    assert tiny.data.sources[0].path == "data/gold/seed.jsonl", "stored relative to the project root, as before"
    overridden = load_config(path, ["data.output=here", "data.sources.0.path=../articles.jsonl", "data.root=shared"])
    assert overridden.path(overridden.data.output) == elsewhere / "here", "an override starts at the working directory"
    assert overridden.path(overridden.data.sources[0].path) == tmp_path / "articles.jsonl"
    assert overridden.data_root() == elsewhere / "shared"
    saved = save_config(overridden, tmp_path / "model")
    monkeypatch.chdir(tmp_path)
    again = load_config(saved)
    assert again == overridden and again.path(again.data.output) == elsewhere / "here", "a saved config resolves the same"


def test_model_base_is_a_folder_from_the_config_file_or_a_hub_id(tmp_path: Path) -> None:
    (tmp_path / "models" / "mine").mkdir(parents=True)
    local = load_config(_config_file(tmp_path / "configs", "model: {base: ../models/mine}\n"))
    assert resolve_path(local.model.base) == tmp_path / "models" / "mine"
    hub = load_config(_config_file(tmp_path / "configs", "model: {base: CAMeL-Lab/bert-base-arabic-camelbert-msa}\n"))
    assert hub.model.base == "CAMeL-Lab/bert-base-arabic-camelbert-msa"


def test_source_sets_are_included_not_repeated(tmp_path: Path) -> None:
    data = load_config("configs/data.yaml").data.sources
    mini = load_config("configs/mini.yaml").data.sources
    assert mini == [source for source in data if source.name in ("anercorp", "anercorp-test")]
    assert "name: anercorp" not in (ROOT / "configs" / "mini.yaml").read_text()
    assert [s.role for s in data if s.role != "gold"] == ["silver", "augmented"]
    with pytest.raises(ConfigError, match=r"sources/none.yaml: config file not found \(included by .*run.yaml\)"):
        load_config(_config_file(tmp_path, "data:\n  sources:\n    - include: sources/none.yaml\n"))
    with pytest.raises(ConfigError, match=r"data.sources.0: an include is \{include: FILE\} alone"):
        load_config(_config_file(tmp_path, "data:\n  sources:\n    - {include: x.yaml, split: test}\n"))
