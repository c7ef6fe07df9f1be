"""The typed run configuration: YAML files under ``configs/`` plus dotted ``key=value`` overrides.

One :class:`RunConfig` describes a whole run. Every section forbids unknown keys, so a typo is an
error that names the key, the file and the closest valid key. A config may ``extends:`` another file
(a path relative to itself); the two are merged key by key, the extending file winning.
"""

from __future__ import annotations

import codecs
import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from train.errors import UserError

_CHECKOUT = Path(__file__).resolve().parent.parent
# Where relative paths start: the source checkout holding this package; an installed package (no
# pyproject.toml beside it) resolves them from the working directory instead.
PROJECT_ROOT = _CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else Path()
DATA_ROOT_ENV = "ARABIC_DATA_ROOT"
DEFAULT_DATA_ROOT = "../shared/data"

Split = Literal["train", "validation", "test"]
Layer = Literal["ner", "claims"]
SettingsT = TypeVar("SettingsT", bound=BaseModel)


class ConfigError(UserError, ValueError):
    """A configuration the user must fix; the message says where and how."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class SourceConfig(Strict):
    """One input of the dataset: a file (or glob) in one of the supported formats."""

    name: str
    format: Literal["jsonl", "conll", "standoff", "label-studio", "doccano"]
    path: str = Field(description="file or glob; '{data_root}' is replaced, relative paths start at the project root")
    corpus: str | None = Field(None, description="standoff only: the JSONL corpus (glob) its ids resolve against")
    split: Literal["auto", "train", "validation", "test", "train+validation"] = "auto"
    layers: list[Layer] = Field(default_factory=lambda: ["ner", "claims"], description="layers this source annotates")
    block_size: int = Field(50, ge=1, description="conll only: consecutive sentences grouped into one pseudo-article")
    label_map: dict[str, str] = Field(default_factory=dict, description="conll only: rename entity types; 'O' drops one")
    description: str = ""
    license: str = ""
    url: str = ""
    obtain: str = Field("", description="where a user gets this source when it is missing")
    encoding: str = Field(
        "utf-8", description="the text encoding of its files (and a standoff corpus), e.g. cp1256; read strictly"
    )

    @model_validator(mode="after")
    def _known_encoding(self) -> SourceConfig:
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise ValueError(f"unknown encoding '{self.encoding}' (e.g. utf-8, cp1256, utf-16)") from None
        return self

    @model_validator(mode="after")
    def _corpus_for_standoff(self) -> SourceConfig:
        if self.format == "standoff" and not self.corpus:
            raise ValueError("a standoff source needs 'corpus': the JSONL articles its ids point into")
        return self


class DataConfig(Strict):
    root: str | None = Field(None, description=f"data root; unset: ${DATA_ROOT_ENV}, else {DEFAULT_DATA_ROOT}")
    output: str = "runs/data"
    seed: int = 13
    validation_fraction: float = Field(0.1, ge=0, lt=1)
    test_fraction: float = Field(0.1, ge=0, lt=1)
    sources: list[SourceConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _leaves_training_data(self) -> DataConfig:
        if self.validation_fraction + self.test_fraction >= 1:
            raise ValueError(
                f"validation_fraction ({self.validation_fraction}) + test_fraction ({self.test_fraction}) must be below 1, "
                "or nothing is left for training"
            )
        return self


class SilverConfig(Strict):
    corpus: str = "{data_root}/ant-news/*.jsonl"
    output: str = "runs/silver/ant-news.claims.jsonl"
    limit: int | None = Field(None, ge=1, description="only the first N articles (for quick runs)")
    augment: int = Field(
        0, ge=0, description="mention-replaced sentences to write beside the silver (train/claims/augment.py); 0: none"
    )
    augment_output: str = "runs/silver/ant-news.augmented.jsonl"


class NormalizeConfig(Strict):
    remove_diacritics: bool = True
    remove_tatweel: bool = True
    western_digits: bool = Field(
        True,
        description="read Arabic-Indic (٠-٩) and Persian (۰-۹) digits as 0-9, one character for one (offsets hold): "
        "Arabic news, and so the models, mostly use 0-9; vocabularies may lack Persian digits altogether",
    )


class TinyModelConfig(Strict):
    """A small BERT built in code with a WordPiece tokenizer trained on the dataset: no download."""

    vocab_size: int = 2000
    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 2
    intermediate_size: int = 128
    max_position_embeddings: int = 256


class ModelConfig(Strict):
    base: str = "CAMeL-Lab/bert-base-arabic-camelbert-msa"
    tiny: TinyModelConfig | None = None
    max_length: int = Field(512, ge=16)
    normalize: NormalizeConfig = Field(default_factory=NormalizeConfig)
    license: str = Field(
        "apache-2.0",
        description="the licence the model card declares for the trained model (a hub licence id, e.g. cc-by-sa-4.0); "
        "check it against the licences of the base model and the training data",
    )


class TrainConfig(Strict):
    task: Layer = "ner"
    output_dir: str = "runs/{task}"
    epochs: float = Field(3, gt=0)
    max_steps: int = -1
    learning_rate: float = Field(5e-5, gt=0)
    batch_size: int = Field(32, ge=1)
    eval_batch_size: int = Field(64, ge=1)
    gradient_accumulation_steps: int = Field(1, ge=1)
    weight_decay: float = 0.01
    warmup_ratio: float = Field(0.1, ge=0, lt=1, description="share of the steps with a linear warmup")
    lr_scheduler: Literal[
        "linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup", "inverse_sqrt"
    ] = Field("linear", description="trainer engine: the learning-rate schedule after warmup (the fast engine's is linear)")
    seed: int = 42
    keep_best: bool = Field(True, description="keep the checkpoint with the best validation F1, not the last")
    early_stopping_patience: int | None = Field(2, ge=1, description="needs keep_best")
    bf16: Literal["auto"] | bool = "auto"
    group_by_length: bool = True
    pad_to_multiple_of: Literal["auto"] | int | None = Field(
        "auto", description="round batch widths up to this multiple; auto: 8 on a GPU, none on a CPU"
    )
    logging_steps: int = 50
    save_total_limit: int = Field(
        2, description="checkpoints kept, newest first (the Trainer also keeps the best); 2 or more survives any kill"
    )
    save_steps: int = Field(
        0, ge=0, description="fast engine: also save a checkpoint every this many steps (0: only at each evaluation)"
    )
    dataloader_num_workers: int = 0
    resume: Literal["auto"] | bool = "auto"
    report_to: list[str] = Field(default_factory=list)
    engine: Literal["trainer", "fast"] = Field(
        "trainer",
        description="trainer: the transformers Trainer (one or more processes); fast: train/training/fast.py, the lean loop "
        "with token-budget length-grouped batches, one process (see bench/RESULTS.md); both checkpoint and resume",
    )
    batch_tokens: int = Field(2048, ge=64, description="fast engine: padded sub-word tokens per batch (replaces batch_size)")
    fast_learning_rate: float = Field(
        5e-4, gt=0, description="fast engine: peak learning rate for its larger token-budget batches (replaces learning_rate)"
    )
    compile: bool = Field(False, description="fast engine: torch.compile the model (dynamic shapes)")
    fast_dropout: float | None = Field(
        None,
        ge=0,
        lt=1,
        description="fast engine: the probability of every dropout layer while training (hidden, attention, "
        "classifier); None keeps the base model's",
    )
    label_subwords: Literal["first", "all"] = Field(
        "first",
        description="which sub-words of a word carry its training label: first (evaluation's reading), or all "
        "(a continuation gets I-X for B-X, run_ner.py's label_all_tokens), so that pipeline(aggregation_strategy="
        "'simple') returns whole words; evaluation stays on first sub-words",
    )
    empty_fraction: float = Field(
        1.0,
        gt=0,
        le=1,
        description="share of training sentences with no span kept (a seeded sample): below 1 focuses sparse silver "
        "data on the sentences that carry spans",
    )


class RunConfig(Strict):
    data: DataConfig = Field(default_factory=DataConfig)
    silver: SilverConfig = Field(default_factory=SilverConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    train: TrainConfig = Field(default_factory=TrainConfig)

    def data_root(self) -> Path:
        root = self.data.root or os.environ.get(DATA_ROOT_ENV) or DEFAULT_DATA_ROOT
        return resolve_path(root)

    def path(self, template: str) -> Path:
        """A configured path with ``{data_root}`` and ``{task}`` filled in, resolved from the project root."""
        return resolve_path(template.format(data_root=self.data_root(), task=self.train.task))


def resolve_path(path: str | Path) -> Path:
    path = Path(path).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).absolute()


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    if not path.is_file():
        extended = f" (extended by {seen[-1]})" if seen else ""
        raise ConfigError(f"{path}: config file not found{extended}")
    if path in seen:
        raise ConfigError(f"{path}: 'extends' loops back to itself")
    from train.data.readers.decoding import read_text  # strict UTF-8, errors naming the file (imported late: readers import this)

    try:
        raw = yaml.safe_load(read_text(path)) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    return _merge(_read_yaml((path.parent / parent).resolve(), seen + (path,)), raw)


def _parse_override(text: str) -> tuple[list[str], Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ConfigError(f"override '{text}': expected dotted section.key=value, e.g. train.epochs=5")
    return key.split("."), yaml.safe_load(value) if value else ""


def apply_overrides(raw: dict, overrides: list[str]) -> dict:
    """``raw`` with each dotted ``key=value`` set; a number picks an item of a list (``data.sources.0.path=...``)."""
    raw = dict(raw)
    for text in overrides:
        keys, value = _parse_override(text)
        node: Any = raw
        for depth, key in enumerate(keys):
            if isinstance(node, list):
                if not key.isdigit() or int(key) >= len(node):
                    where = ".".join(keys[:depth])
                    raise ConfigError(
                        f"override '{text}': {where} is a list of {len(node)}; give an index from 0 to {len(node) - 1}"
                    )
                key = int(key)
            if depth == len(keys) - 1:
                node[key] = value
                break
            child = node[key] if isinstance(node, list) else node.get(key)
            node[key] = list(child) if isinstance(child, list) else dict(child) if isinstance(child, dict) else {}
            node = node[key]
    return raw


def _fields_at(location: tuple, model: type[BaseModel]) -> list[str]:
    """Valid keys of the (nested) model at an error location."""
    for part in location[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        annotation = field.annotation
        for candidate in getattr(annotation, "__args__", (annotation,)):
            inner = getattr(candidate, "__args__", (candidate,))
            found = [c for c in inner if isinstance(c, type) and issubclass(c, BaseModel)]
            if found:
                model = found[0]
                break
        else:
            return []
    return list(model.model_fields)


def _describe(error: ValidationError, source: str, root: type[BaseModel] = RunConfig) -> str:
    lines = [f"{source}: invalid configuration"]
    for item in error.errors():
        location = tuple(item["loc"])
        dotted = ".".join(str(p) for p in location)
        if item["type"] == "extra_forbidden":
            valid = _fields_at(location, root) + (["extends"] if len(location) == 1 else [])
            close = difflib.get_close_matches(str(location[-1]), valid, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            lines.append(f"  unknown key '{dotted}'{hint} (valid keys here: {', '.join(valid)})")
        else:
            given = item.get("input")
            lines.append(f"  {dotted}: {item['msg']}" + ("" if isinstance(given, dict) else f" (got {given!r})"))
    return "\n".join(lines)


def load_config(path: str | Path, overrides: list[str] | None = None) -> RunConfig:
    """Load, merge, override and validate one run configuration (``path`` from the working directory,
    else from the project root)."""
    path = Path(path).resolve() if Path(path).is_file() else resolve_path(path)
    raw = apply_overrides(_read_yaml(path), overrides or [])
    source = str(path) + (f" with overrides {' '.join(overrides)}" if overrides else "")
    try:
        return RunConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error, source)) from None


def load_settings(path: str | Path, model: type[SettingsT], overrides: Mapping[str, Any] | None = None) -> SettingsT:
    """A small YAML file of settings of its own (not a run config, e.g. ``tag --thresholds``) validated as
    ``model``, with the same errors as :func:`load_config`; ``overrides`` replace keys of the file."""
    path = Path(path).resolve() if Path(path).is_file() else resolve_path(path)
    raw = {**_read_yaml(path), **(overrides or {})}
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error, str(path), model)) from None


def dotted_items(value: Any, name: str = "") -> list[tuple[str, Any]]:
    """Dotted keys for nested mappings (as overrides name them), ``[i]`` for lists of mappings; other values stay whole."""
    if isinstance(value, Mapping) and value:
        prefix = f"{name}." if name else ""
        return [row for key, item in value.items() for row in dotted_items(item, f"{prefix}{key}")]
    if isinstance(value, list) and value and all(isinstance(item, Mapping) for item in value):
        return [row for i, item in enumerate(value) for row in dotted_items(item, f"{name}[{i}]")]
    return [(name, value)]


def save_config(config: RunConfig, directory: Path, name: str = "run_config.yaml") -> Path:
    """Write the resolved configuration next to an output, atomically."""
    from train.io import atomic_write_text

    text = yaml.safe_dump(config.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    return atomic_write_text(directory / name, text)
