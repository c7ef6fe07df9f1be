"""``fit(config)``: fine-tune a token classifier with the transformers ``Trainer`` (on accelerate).

Reads only the prepared dataset (``train.data.dataset.load_prepared``), keeps the rows annotated in the
task's layer, trains with dynamic padding and first-sub-word labels (or every sub-word's:
``train.label_subwords``), evaluates on validation every epoch, keeps the best checkpoint by validation
F1 (strict seqeval), stops early, resumes from the newest whole checkpoint after a kill
(:mod:`train.training.checkpoints`), then writes the model folder atomically with its evaluation and card
(loadable by transformers 4.45 and later too). ``train.engine: fast`` runs the loop of
:mod:`train.training.fast` instead, with its own checkpoints in the same folder.

Run folder (``train.output_dir``)::

    checkpoints/      checkpoints of either engine, each ``checkpoint-STEP`` with a completion marker
    model/            the final model: loads with pipeline("token-classification", model=...)
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from datasets import Dataset, DatasetDict
from tqdm.auto import tqdm
from transformers import (
    DataCollatorForTokenClassification,
    EarlyStoppingCallback,
    ProgressCallback,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    set_seed,
)

from train.config import ConfigError, RunConfig, dotted_items, save_config
from train.data.articles import DataError
from train.data.dataset import load_prepared, task_splits
from train.data.labels import TAG_COLUMNS, tag_names
from train.evaluation.evaluate import predict_split
from train.evaluation.metrics import compute_seqeval
from train.inference.batching import pad_multiple
from train.inference.encoding import IGNORE, continuation_tags, training_features
from train.inference.portable import save_tokenizer
from train.io import atomic_directory
from train.killpoints import kill_point
from train.training.base_model import load_base, resolve_base
from train.training.checkpoints import FAST_FILES, TRAINER_FILES, CheckpointError, checkpoint_folders, mark_complete, newest_whole
from train.training.fast import EngineSettings, step_line, train_model

log = logging.getLogger(__name__)

Finish = Callable[[Path, Any, Any, DatasetDict], None]  # (model folder, model, tokenizer, dataset)


def encode(part: Dataset, name: str, tokenizer, column: str, max_length: int, continuation=None) -> Dataset:
    """``training_features`` of a split; ``continuation`` (train only) labels continuation sub-words too."""
    return part.map(
        lambda batch: training_features(tokenizer, batch["tokens"], batch[column], max_length, continuation),
        batched=True,
        remove_columns=part.column_names,
        keep_in_memory=True,
        desc=f"encode {name}",
    )


def metrics_function(names: list[str]):
    """``compute_metrics`` for the Trainer: word-level seqeval over first sub-words."""

    def compute(prediction) -> dict[str, float]:
        predicted = np.argmax(prediction.predictions, axis=-1)
        references, hypotheses = [], []
        for row_pred, row_gold in zip(predicted, prediction.label_ids):
            keep = row_gold != IGNORE
            references.append([names[i] for i in row_gold[keep]])
            hypotheses.append([names[i] for i in row_pred[keep]])
        scores = compute_seqeval(references, hypotheses)
        return {
            "f1": scores["strict"]["f1"],
            "precision": scores["strict"]["precision"],
            "recall": scores["strict"]["recall"],
            "conlleval_f1": scores["conlleval"]["f1"],
        }

    return compute


def epoch_line(
    epoch: float, step: int, train_loss: float | None, scores: dict, seconds: float, dev_loss: float | None = None
) -> str:
    """The line printed at each evaluation, for both engines; ``scores`` is a strict seqeval result."""
    parts = [f"epoch {epoch:.2f}", f"step {step}", "train loss " + ("-" if train_loss is None else f"{train_loss:.4f}")]
    if dev_loss is not None:
        parts.append(f"dev loss {dev_loss:.4f}")
    parts.append(f"dev F1 {scores['f1']:.4f} (P {scores['precision']:.4f} R {scores['recall']:.4f})")
    return " | ".join(parts + [f"{seconds:.0f}s"])


class StepLines(ProgressCallback):
    """The Trainer's progress bar, its logs written as :func:`step_line` rather than raw dicts
    (an evaluation gets :class:`EpochSummary`'s line instead)."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        if state.is_world_process_zero and self.training_bar is not None and logs and "loss" in logs:
            self.training_bar.write(step_line(state.global_step, state.max_steps, logs["loss"], logs.get("learning_rate", 0.0)))


class EpochSummary(TrainerCallback):
    """One line per epoch: mean training loss of the epoch, validation loss and F1, elapsed time."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.losses: list[float] = []

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            self.losses.append(float(logs["loss"]))

    def on_epoch_end(self, args, state, control, **kwargs):
        control.should_log = True  # the loss since the last log, so that every epoch's line has one

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        if not state.is_world_process_zero:
            return
        metrics = metrics or {}
        loss = sum(self.losses) / len(self.losses) if self.losses else None
        self.losses = []
        scores = {key: metrics.get(f"eval_{key}", 0.0) for key in ("f1", "precision", "recall")}
        seconds = time.perf_counter() - self.started
        tqdm.write(epoch_line(state.epoch, state.global_step, loss, scores, seconds, metrics.get("eval_loss", float("nan"))))


class CrashSafety(TrainerCallback):
    """Marks each Trainer checkpoint complete once every process has written its part (the marker is
    the last file, see :mod:`train.training.checkpoints`); also the ``step`` kill point of the tests."""

    def on_step_end(self, args, state, control, **kwargs):
        kill_point("step")

    def on_save(self, args, state, control, **kwargs):
        if torch.distributed.is_available() and torch.distributed.is_initialized():
            torch.distributed.barrier()  # every rank's RNG state is in the folder
        if state.is_world_process_zero:
            mark_complete(Path(args.output_dir) / f"checkpoint-{state.global_step}")


class CheckpointingTrainer(Trainer):
    """The Trainer with the ``checkpoint-file`` kill point: model, optimizer and scheduler written, the
    RNG and trainer states not yet."""

    def _save_rng_state(self, output_dir):
        kill_point("checkpoint-file")
        super()._save_rng_state(output_dir)


def use_bf16(setting) -> bool:
    if setting == "auto":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return bool(setting)


def training_arguments(config: RunConfig, checkpoints: Path, has_validation: bool) -> TrainingArguments:
    t = config.train
    on_gpu = torch.cuda.is_available()
    strategy = "epoch" if has_validation else "no"
    select = has_validation and t.keep_best
    return TrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=t.epochs,
        max_steps=t.max_steps,
        learning_rate=t.learning_rate,
        per_device_train_batch_size=t.batch_size,
        per_device_eval_batch_size=t.eval_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation_steps,
        weight_decay=t.weight_decay,
        warmup_steps=t.warmup_ratio,
        lr_scheduler_type=t.lr_scheduler,
        seed=t.seed,
        bf16=use_bf16(t.bf16),
        tf32=True if on_gpu else None,
        optim="adamw_torch_fused" if on_gpu else "adamw_torch",
        train_sampling_strategy="group_by_length" if t.group_by_length else "random",
        eval_strategy=strategy,
        save_strategy="epoch",
        load_best_model_at_end=select,
        metric_for_best_model="f1" if select else None,
        greater_is_better=True if select else None,
        save_total_limit=t.save_total_limit,
        logging_steps=t.logging_steps,
        dataloader_num_workers=t.dataloader_num_workers,
        dataloader_pin_memory=on_gpu,
        report_to=t.report_to or "none",
    )


def fit(config: RunConfig, finish: Finish | None = None) -> Path:
    """Train the configured task; return the model folder (``finish``: :func:`write_model_folder`)."""
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
    train = train_fast if config.train.engine == "fast" else train_with_trainer
    trained = train(config, dataset, encoded, names, tokenizer, model)
    model_dir = config.path(config.train.output_dir) / "model"
    if trained is not None:
        write_model_folder(model_dir, config, dataset, trained, tokenizer, finish)
    return model_dir


def thin_empty_rows(train: Dataset, column: str, fraction: float, seed: int) -> Dataset:
    """Keep every row with a span and a seeded ``fraction`` of the rows without one (``train.empty_fraction``)."""
    if fraction >= 1:
        return train
    rng = np.random.default_rng(seed)
    keep = [i for i, tags in enumerate(train[column]) if any(tags) or rng.random() < fraction]
    log.info("train.empty_fraction=%s: %d of %d training rows kept", fraction, len(keep), len(train))
    return train.select(keep, keep_in_memory=True)


def write_model_folder(model_dir: Path, config: RunConfig, dataset: DatasetDict, model, tokenizer, finish: Finish | None) -> None:
    """Weights, tokenizer and config, and what ``finish(folder, model, tokenizer, dataset)`` adds (the ``fit``
    step: evaluation and card), written atomically; the run config beside it."""
    with atomic_directory(model_dir) as tmp:
        model.config.task = config.train.task
        model.save_pretrained(str(tmp))
        save_tokenizer(tokenizer, tmp)  # loadable by transformers 4.45+ too (train/inference/portable.py)
        save_config(config, tmp)
        if finish is not None:
            finish(tmp, model, tokenizer, dataset)
        kill_point("model-folder")
    save_config(config, model_dir.parent)


def train_with_trainer(config: RunConfig, dataset: DatasetDict, encoded: DatasetDict, names: list[str], tokenizer, model):
    """``train.engine: trainer``: the transformers Trainer with checkpoints and resume. Returns the trained
    model on the main process, ``None`` on the others."""
    checkpoints = config.path(config.train.output_dir) / "checkpoints"
    has_validation = len(encoded["validation"]) > 0
    callbacks: list[TrainerCallback] = [CrashSafety(), EpochSummary()]  # marked before any other on_save
    if has_validation and config.train.keep_best and config.train.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(config.train.early_stopping_patience))
    trainer = CheckpointingTrainer(
        model=model,
        args=training_arguments(config, checkpoints, has_validation),
        train_dataset=encoded["train"],
        eval_dataset=encoded["validation"] if has_validation else None,
        data_collator=DataCollatorForTokenClassification(
            tokenizer, pad_to_multiple_of=pad_multiple(config.train.pad_to_multiple_of, cuda=torch.cuda.is_available())
        ),
        processing_class=tokenizer,
        compute_metrics=metrics_function(names),
        callbacks=callbacks,
    )
    if trainer.pop_callback(ProgressCallback):
        trainer.add_callback(StepLines)
    main = trainer.is_world_process_zero()
    resume = checkpoint_to_resume(config, checkpoints, TRAINER_FILES, main=main)
    if main:
        save_config(config, checkpoints)
    trainer.accelerator.wait_for_everyone()  # the main process has removed what is not resumed
    trainer.train(resume_from_checkpoint=None if resume is None else str(resume))
    return trainer.model if trainer.is_world_process_zero() else None


# Settings that change how a run reports or saves, not the weights it trains: a resume may differ in them.
RESUME_IGNORES = {
    f"train.{key}"
    for key in (
        "resume",
        "logging_steps",
        "report_to",
        "dataloader_num_workers",
        "save_total_limit",
        "save_steps",
        "eval_batch_size",
    )
} | {"model.license"}


def checkpoint_to_resume(config: RunConfig, checkpoints: Path, required, *, main: bool = True) -> Path | None:
    """The newest whole checkpoint in ``checkpoints`` (``required``: the files it needs, see
    :mod:`train.training.checkpoints`) when ``train.resume`` allows it and the same configuration wrote it (its
    ``run_config.yaml``); an error if another one did, or if no checkpoint there is whole. Newer ones that
    are not whole are named in a warning each and removed, as are the temporary folders of killed saves;
    a fresh start removes every checkpoint, so that a later resume cannot pick one of them up. Only the
    ``main`` process removes anything."""
    if main:
        for temporary in checkpoints.glob(".checkpoint-*"):  # a killed save of the fast engine: never whole
            shutil.rmtree(temporary, ignore_errors=True)
    folders = checkpoint_folders(checkpoints)
    if not folders:
        if config.train.resume is True:
            log.info("train.resume=true but no checkpoint in %s: starting fresh", checkpoints)
        return None
    if config.train.resume is False:
        if main:
            log.info("train.resume=false: removing %d checkpoints of an earlier run from %s", len(folders), checkpoints)
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
        return None
    stamp = checkpoints / "run_config.yaml"
    if stamp.is_file():
        before = dict(dotted_items(yaml.safe_load(stamp.read_text(encoding="utf-8"))))
        now = dict(dotted_items(config.model_dump(mode="json")))
        changed = sorted(k for k in before.keys() | now.keys() if k not in RESUME_IGNORES and before.get(k) != now.get(k))
        shown = ", ".join(f"{key}: {before.get(key)!r} -> {now.get(key)!r}" for key in changed[:5])
        reason = f"a different configuration ({shown}{', ...' if len(changed) > 5 else ''})" if changed else ""
    else:
        reason = "an unknown configuration (no run_config.yaml)"
    if reason:
        raise ConfigError(
            f"{checkpoints}: these checkpoints come from {reason}; resuming would continue that run. "
            "Pass train.resume=false to start afresh (the old checkpoints are removed) or choose another train.output_dir."
        )
    last, skipped = newest_whole(checkpoints, required)
    if last is None:
        reasons = "; ".join(f"{folder.name}: {problem}" for folder, problem in skipped)
        raise CheckpointError(
            f"{checkpoints}: no whole checkpoint to resume from ({reasons}). Pass train.resume=false to start afresh: "
            "it removes every checkpoint in that folder and trains from the first step; or choose another train.output_dir."
        )
    if main:
        for folder, problem in skipped:
            log.warning("%s is not a whole checkpoint (%s): skipped and removed, resuming from %s", folder, problem, last.name)
            shutil.rmtree(folder, ignore_errors=True)
    log.info("resuming from %s", last)
    return last


def engine_settings(config: RunConfig) -> EngineSettings:
    """The fast engine's settings from the ``train`` section (``train.engine: fast``)."""
    t = config.train
    return EngineSettings(
        epochs=t.epochs,
        max_steps=t.max_steps,
        learning_rate=t.fast_learning_rate,
        batch_tokens=t.batch_tokens,
        weight_decay=t.weight_decay,
        warmup_ratio=t.warmup_ratio,
        seed=t.seed,
        pad_to_multiple_of=t.pad_to_multiple_of,
        bf16=use_bf16(t.bf16),
        compile=t.compile,
        dropout=t.fast_dropout,
        logging_steps=t.logging_steps,
        keep_best=t.keep_best,
        early_stopping_patience=t.early_stopping_patience if t.keep_best else None,
        save_steps=t.save_steps,
        save_total_limit=t.save_total_limit,
    )


def train_fast(config: RunConfig, dataset: DatasetDict, encoded: DatasetDict, names: list[str], tokenizer, model):
    """``train.engine: fast``: the lean loop of ``train/training/fast.py`` (validation F1 per evaluation, best weights
    kept), on one process; checkpoints at each evaluation and every ``train.save_steps`` steps, resumed
    like the Trainer's. Returns the trained model."""
    checkpoints = config.path(config.train.output_dir) / "checkpoints"
    resume = checkpoint_to_resume(config, checkpoints, FAST_FILES)
    save_config(config, checkpoints)
    column = TAG_COLUMNS[config.train.task]
    validation = dataset["validation"]
    gold = tag_names(validation[column], names)
    started = time.perf_counter()

    def evaluate(trained, info: dict) -> float | None:
        if len(validation) == 0:
            return None
        scores = compute_seqeval(gold, predict_split(validation, trained, tokenizer, config.train.eval_batch_size))
        tqdm.write(epoch_line(info["epoch"], info["step"], info["train_loss"], scores["strict"], time.perf_counter() - started))
        return scores["strict"]["f1"]

    train = encoded["train"]
    settings = engine_settings(config)
    train_model(
        model,
        train["input_ids"],
        train["labels"],
        settings,
        pad_id=tokenizer.pad_token_id,
        on_evaluate=evaluate,
        checkpoints=checkpoints,
        resume_from=resume,
    )

    return model
