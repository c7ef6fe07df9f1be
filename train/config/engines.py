"""The ``train`` section: the settings both engines read, and one section per engine (a discriminated union).

``train.engine`` picks the engine, and with it the one section its own settings sit in::

    train:                       train:
      engine: trainer              engine: fast
      epochs: 3                    epochs: 3
      trainer:                     fast:
        lr_scheduler_type: cosine    learning_rate: 5.0e-4
                                     dropout: 0.0

``train.trainer`` holds ``transformers.TrainingArguments`` fields by their own names (any field, checked
against the dataclass; those ``fit`` derives from the shared keys are refused with the key to set
instead); ``train.fast`` holds the fast loop's settings (:class:`FastSection`). The other engine's
section is an error naming where its keys belong. The flat keys of earlier versions (``fast_dropout``,
``batch_tokens``, ``lr_scheduler``, ...: :data:`MOVED`) are errors naming their new place; a saved
``run_config.yaml`` written with them is read through :func:`translate_flat_keys` instead.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from train.config.base import Layer, Strict, config_line

ENGINES = ("trainer", "fast")
# TrainingArguments fields that fit sets from a shared train key (field: key), or from the run itself.
SHARED_ARGUMENTS = {
    "num_train_epochs": "epochs",
    "max_steps": "max_steps",
    "learning_rate": "learning_rate",
    "per_device_train_batch_size": "batch_size",
    "per_device_eval_batch_size": "eval_batch_size",
    "weight_decay": "weight_decay",
    "warmup_steps": "warmup_ratio",
    "seed": "seed",
    "bf16": "bf16",
    "logging_steps": "logging_steps",
    "save_total_limit": "save_total_limit",
}
RUN_ARGUMENTS = {
    "output_dir": "train.output_dir/checkpoints",
    "eval_strategy": "an evaluation each epoch when there is validation data",
    "save_strategy": "a checkpoint each epoch",
    "load_best_model_at_end": "train.keep_best",
    "metric_for_best_model": "train.keep_best (validation F1)",
    "greater_is_better": "train.keep_best (validation F1)",
}


@functools.cache
def training_argument_names() -> frozenset[str]:
    from transformers import TrainingArguments  # imported only for a trainer section with keys of its own

    return frozenset(field.name for field in dataclasses.fields(TrainingArguments))


class TrainerSection(Strict):
    """``train.trainer`` (``train.engine: trainer``): fields of ``transformers.TrainingArguments`` by their
    own names, passed to it as they are; the fields below have the project's defaults, any other field
    may be added."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    lr_scheduler_type: Literal[
        "linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup", "inverse_sqrt"
    ] = Field("linear", description="the learning-rate schedule after warmup")
    train_sampling_strategy: Literal["group_by_length", "random", "sequential"] = Field(
        "group_by_length", description="group_by_length: batches of sentences of similar lengths (less padding)"
    )
    gradient_accumulation_steps: int = Field(1, ge=1)
    dataloader_num_workers: int = Field(0, ge=0)
    report_to: str | list[str] = Field("none", description="none, or integrations such as tensorboard, wandb")

    @model_validator(mode="after")
    def _training_arguments_only(self) -> TrainerSection:
        for key in self.model_extra or {}:
            if key in SHARED_ARGUMENTS:
                raise config_line(f"train.trainer.{key}: set train.{SHARED_ARGUMENTS[key]} instead (both engines read it)")
            if key in RUN_ARGUMENTS:
                raise config_line(f"train.trainer.{key}: fit sets it from {RUN_ARGUMENTS[key]}")
            if key not in training_argument_names():
                close = difflib.get_close_matches(key, training_argument_names(), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise config_line(f"train.trainer.{key}: not a field of transformers.TrainingArguments{hint}")
        return self


class FastSection(Strict):
    """``train.fast`` (``train.engine: fast``): the lean loop of train/training/fast.py."""

    learning_rate: float = Field(
        5e-4, gt=0, description="peak learning rate for its larger token-budget batches (replaces train.learning_rate)"
    )
    batch_tokens: int = Field(2048, ge=64, description="padded sub-word tokens per batch (replaces train.batch_size)")
    dropout: float | None = Field(
        None,
        ge=0,
        lt=1,
        description="the probability of every dropout layer while training (hidden, attention, classifier); "
        "None keeps the base model's",
    )
    compile: bool = Field(False, description="torch.compile the model (dynamic shapes)")
    save_steps: int = Field(0, ge=0, description="also save a checkpoint every this many steps (0: only at each evaluation)")


class LinkerSection(Strict):
    """``train.linker``: the learned linker that ``fit`` trains after a claims model, on the gold links of the
    train split (train/training/linker.py), when the split has any."""

    enabled: bool = Field(True, description="train it (claims task, train split with gold links); false: the rule linker only")
    steps: int = Field(300, ge=1, description="Adam steps over all the training links at once")
    learning_rate: float = Field(3e-3, gt=0)
    hidden: int = Field(64, ge=1, description="width of its scorer's hidden layer")
    eval_every: int = Field(25, ge=1, description="steps between evaluations on the validation links (the best is kept)")


class TrainBase(Strict):
    """The settings both engines read (``learning_rate`` and ``batch_size``: the Trainer only, the fast
    engine has ``train.fast.learning_rate`` and ``train.fast.batch_tokens``; they stay here so that
    ``train.engine=fast`` works on any config)."""

    task: Layer = "ner"
    output_dir: str = "runs/{task}"
    epochs: float = Field(3, gt=0)
    max_steps: int = -1
    learning_rate: float = Field(5e-5, gt=0, description="trainer engine: peak learning rate")
    batch_size: int = Field(32, ge=1, description="trainer engine: sentences (windows) per batch and device")
    eval_batch_size: int = Field(64, ge=1)
    weight_decay: float = 0.01
    warmup_ratio: float = Field(0.1, ge=0, lt=1, description="share of the steps with a linear warmup")
    seed: int = 42
    keep_best: bool = Field(True, description="keep the checkpoint with the best validation F1, not the last")
    early_stopping_patience: int | None = Field(2, ge=1, description="needs keep_best")
    bf16: Literal["auto"] | bool = "auto"
    pad_to_multiple_of: Literal["auto"] | int | None = Field(
        "auto", description="round batch widths up to this multiple; auto: 8 on a GPU, none on a CPU"
    )
    logging_steps: int = 50
    save_total_limit: int = Field(
        2, description="checkpoints kept, newest first (the Trainer also keeps the best); 2 or more survives any kill"
    )
    resume: Literal["auto"] | bool = "auto"
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
    linker: LinkerSection = Field(default_factory=LinkerSection)


class TrainerTrain(TrainBase):
    engine: Literal["trainer"] = Field(
        "trainer", description="trainer: the transformers Trainer (one or more processes), settings in train.trainer"
    )
    trainer: TrainerSection = Field(default_factory=TrainerSection)


class FastTrain(TrainBase):
    engine: Literal["fast"] = Field(
        "fast",
        description="fast: train/training/fast.py, the lean loop with token-budget length-grouped batches, one "
        "process (see bench/RESULTS.md), settings in train.fast",
    )
    fast: FastSection = Field(default_factory=FastSection)


TrainConfig = Annotated[TrainerTrain | FastTrain, Field(discriminator="engine")]
TRAIN_MODELS = {"trainer": TrainerTrain, "fast": FastTrain}


def _truthy_sampling(value: Any) -> Any:
    return {True: "group_by_length", False: "random"}.get(value, value) if isinstance(value, bool) else value


# The flat train keys of earlier versions: old key -> (engine section, new key, value conversion).
MOVED: dict[str, tuple[str, str, Any]] = {
    "fast_learning_rate": ("fast", "learning_rate", None),
    "batch_tokens": ("fast", "batch_tokens", None),
    "fast_dropout": ("fast", "dropout", None),
    "compile": ("fast", "compile", None),
    "save_steps": ("fast", "save_steps", None),
    "lr_scheduler": ("trainer", "lr_scheduler_type", None),
    "group_by_length": ("trainer", "train_sampling_strategy", _truthy_sampling),
    "gradient_accumulation_steps": ("trainer", "gradient_accumulation_steps", None),
    "dataloader_num_workers": ("trainer", "dataloader_num_workers", None),
    "report_to": ("trainer", "report_to", lambda value: value or "none"),
}


def check_engine_keys(train: Any) -> Any:
    """The raw ``train`` mapping with ``engine`` defaulted; a flat key of earlier versions, or a section of
    the engine not selected, is an error naming where the key belongs."""
    if not isinstance(train, dict):
        return train
    train = {"engine": "trainer", **train}
    engine = train["engine"]
    if engine not in ENGINES:
        return train  # the discriminator names the valid engines
    for key in train:
        if key in MOVED:
            section, new, _ = MOVED[key]
            where = "" if section == engine else f", a {section}-engine key, but train.engine is {engine}"
            raise config_line(f"train.{key}: now train.{section}.{new}{where} (see train/config/engines.py)")
    other = next(name for name in ENGINES if name != engine)
    if other in train:
        keys = ", ".join(f"train.{other}.{key}" for key in train[other] or {}) or f"train.{other}"
        raise config_line(
            f"{keys}: set for the {other} engine, but train.engine is {engine}; "
            f"set train.engine={other}, or remove train.{other} (the {engine} engine's settings go in train.{engine})"
        )
    return train


def translate_flat_keys(raw: dict) -> tuple[dict, list[str]]:
    """A saved run config of an earlier version in the current shape, and what changed (empty: nothing).

    Each flat key of :data:`MOVED` moves into its engine's section (``train.fast_dropout`` ->
    ``train.fast.dropout``, ``train.group_by_length: true`` -> ``train.trainer.train_sampling_strategy:
    group_by_length``, ``train.report_to: []`` -> ``train.trainer.report_to: none``); one of the engine
    not selected is dropped: a saved config listed every key, and that engine never read them."""
    train = raw.get("train")
    if not isinstance(train, dict) or not MOVED.keys() & train.keys():
        return raw, []
    train = dict(train)
    engine = train.get("engine", "trainer")
    section = dict(train.get(engine) or {})
    changes = []
    for old, (owner, new, convert) in MOVED.items():
        if old not in train:
            continue
        value = train.pop(old)
        if owner == engine:
            section[new] = convert(value) if convert else value
            changes.append(f"train.{old} -> train.{owner}.{new}")
        else:
            changes.append(f"train.{old} dropped ({owner} engine)")
    train[engine] = section
    return {**raw, "train": train}, changes
