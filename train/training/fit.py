"""``fit(config, finish)``: fine-tune a token classifier with the engine ``train.engine`` names.

Reads only the prepared dataset (``train.data.dataset.load_prepared``), keeps the rows annotated in the
task's layer, trains with first-sub-word labels (or every sub-word's: ``train.label_subwords``) on one
of the two engines (:mod:`train.training.engine`: the transformers ``Trainer``, or the lean fast loop),
evaluating on validation and keeping the best weights by validation F1 (strict seqeval), resuming from
the newest whole checkpoint after a kill (:mod:`train.training.checkpoints`), then writes the model
folder atomically: weights, tokenizer (loadable by transformers 4.45 and later too) and the run
config, for a claims model trained on gold links its learned linker (:mod:`train.training.linker`), plus what
the caller's ``finish`` adds inside the same atomic write (the command line's evaluation results and model
card).

Run folder (``train.output_dir``)::

    checkpoints/      checkpoints of either engine, each ``checkpoint-STEP`` with a completion marker
    model/            the final model: loads with pipeline("token-classification", model=...)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
from datasets import Dataset, DatasetDict
from transformers import PreTrainedModel, PreTrainedTokenizerFast, set_seed

from train.config import ConfigError, RunConfig, save_config
from train.data.dataset import load_prepared, task_splits
from train.data.labels import TAG_COLUMNS
from train.errors import DataError
from train.inference.encoding import continuation_tags, training_features
from train.inference.linker import Linker
from train.inference.portable import save_tokenizer
from train.io import atomic_directory
from train.killpoints import kill_point
from train.training.base_model import load_base, resolve_base
from train.training.engine import Engine, TrainingRun
from train.training.fast_engine import FastEngine
from train.training.linker import train_linker
from train.training.trainer import TrainerEngine

log = logging.getLogger(__name__)
ENGINES: dict[str, Callable[[], Engine]] = {"trainer": TrainerEngine, "fast": FastEngine}
# Called inside the model folder's atomic write with the folder, the trained model, its tokenizer and
# the task's splits: what else the folder holds (the command line's evaluation results and card).
Finish = Callable[[Path, PreTrainedModel, PreTrainedTokenizerFast, DatasetDict], None]


def encode(part: Dataset, name: str, tokenizer, column: str, max_length: int, continuation=None) -> Dataset:
    """``training_features`` of a split; ``continuation`` (train only) labels continuation sub-words too."""
    return part.map(
        lambda batch: training_features(tokenizer, batch["tokens"], batch[column], max_length, continuation),
        batched=True,
        remove_columns=part.column_names,
        keep_in_memory=True,
        desc=f"encode {name}",
    )


def fit(config: RunConfig, finish: Finish | None = None) -> Path:
    """Train the configured task; write and return the model folder (``finish``, when given, adds to it
    inside the atomic write; without it the folder holds weights, tokenizer and config only)."""
    task, column = config.train.task, TAG_COLUMNS[config.train.task]
    processes = int(os.environ.get("WORLD_SIZE", "1"))
    if config.train.engine == "fast" and processes > 1:
        raise ConfigError(
            f"train.engine=fast trains on one process, and this run has {processes} (accelerate launch / torchrun): "
            "use train.engine=trainer (the transformers Trainer shards the data across processes) or launch one process"
        )
    if not config.model.tiny:
        resolve_base(config.model)
    dataset = task_splits(load_prepared(config), task)
    dataset["train"] = thin_empty_rows(dataset["train"], column, config.train.empty_fraction, config.train.seed)
    names = dataset["train"].features[column].feature.names
    if len(dataset["train"]) == 0:
        raise DataError(
            f"{config.path(config.data.output)}: the prepared dataset has no training rows annotated in the '{task}' "
            "layer; give data.sources a source with split train (or auto) and that layer, then run `python -m train data`"
        )
    if config.train.keep_best and len(dataset["validation"]) == 0:
        log.warning("train.keep_best: the dataset has no '%s' validation rows, so the last weights are kept", task)
    texts = (" ".join(tokens) for tokens in dataset["train"]["tokens"])
    set_seed(config.train.seed)  # before the classifier head (or the tiny model) is initialised
    tokenizer, model = load_base(config.model, names, texts)
    max_length = tokenizer.model_max_length
    continuation = continuation_tags(names) if config.train.label_subwords == "all" else None  # train split only
    encoded = DatasetDict(
        {
            name: encode(part, name, tokenizer, column, max_length, continuation if name == "train" else None)
            for name, part in dataset.items()
        }
    )
    output = config.path(config.train.output_dir)
    run = TrainingRun(config, dataset, encoded, names, tokenizer, model, checkpoints=output / "checkpoints")
    trained = ENGINES[config.train.engine]().train(run)
    model_dir = output / "model"
    if trained is not None:
        claims = config.train.task == "claims"
        linker = train_linker(config, dataset["train"], dataset["validation"], trained, tokenizer) if claims else None
        write_model_folder(model_dir, config, dataset, trained, tokenizer, finish, linker)
    return model_dir


def thin_empty_rows(train: Dataset, column: str, fraction: float, seed: int) -> Dataset:
    """Keep every row with a span and a seeded ``fraction`` of the rows without one (``train.empty_fraction``)."""
    if fraction >= 1:
        return train
    rng = np.random.default_rng(seed)
    keep = [i for i, tags in enumerate(train[column]) if any(tags) or rng.random() < fraction]
    log.info("train.empty_fraction=%s: %d of %d training rows kept", fraction, len(keep), len(train))
    return train.select(keep, keep_in_memory=True)


def write_model_folder(
    model_dir: Path,
    config: RunConfig,
    dataset: DatasetDict,
    model,
    tokenizer,
    finish: Finish | None = None,
    linker: Linker | None = None,
) -> None:
    """Weights, tokenizer, config, the learned ``linker`` if any and what ``finish`` adds, written atomically;
    the run config beside it."""
    with atomic_directory(model_dir) as tmp:
        model.config.task = config.train.task
        model.save_pretrained(str(tmp))
        if linker is not None:
            linker.save(tmp)
        save_tokenizer(tokenizer, tmp)  # loadable by transformers 4.45+ too (train/inference/portable.py)
        save_config(config, tmp)
        if finish is not None:
            finish(tmp, model, tokenizer, dataset)
        kill_point("model-folder")
    save_config(config, model_dir.parent)
