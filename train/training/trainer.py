"""``train.engine: trainer``: the transformers ``Trainer`` (on accelerate, one or more processes).

``TrainingArguments`` come from the config by field name: the shared ``train`` keys under their
``TrainingArguments`` names (:data:`train.config.SHARED_ARGUMENTS`), the ``train.trainer`` section as
it is (fields named as ``TrainingArguments`` names them, checked when the config loads), and what the
run decides (an evaluation and a checkpoint each epoch, the best by validation F1 kept with
``train.keep_best``). Checkpoints are marked whole by :class:`CrashSafety`
(:mod:`train.training.checkpoints`) and resumed after a kill.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import (
    DataCollatorForTokenClassification,
    EarlyStoppingCallback,
    ProgressCallback,
    Trainer,
    TrainerCallback,
    TrainingArguments,
)

from train.config import SHARED_ARGUMENTS, RunConfig, save_config
from train.evaluation.metrics import compute_seqeval
from train.inference.batching import pad_multiple
from train.inference.encoding import IGNORE
from train.killpoints import kill_point
from train.training.checkpoints import TRAINER_FILES, checkpoint_to_resume, mark_complete
from train.training.engine import TrainingRun, epoch_line, use_bf16
from train.training.fast import step_line


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


def training_arguments(config: RunConfig, checkpoints: Path, has_validation: bool) -> TrainingArguments:
    """The ``TrainingArguments`` of a run: device defaults, then ``train.trainer``, then the shared keys
    and what the run decides (these two cannot be set in ``train.trainer``)."""
    t = config.train
    on_gpu = torch.cuda.is_available()
    select = has_validation and t.keep_best
    device = {
        "tf32": True if on_gpu else None,
        "optim": "adamw_torch_fused" if on_gpu else "adamw_torch",
        "dataloader_pin_memory": on_gpu,
    }
    shared = {argument: getattr(t, key) for argument, key in SHARED_ARGUMENTS.items()} | {"bf16": use_bf16(t.bf16)}
    run = {
        "output_dir": str(checkpoints),
        "eval_strategy": "epoch" if has_validation else "no",
        "save_strategy": "epoch",
        "load_best_model_at_end": select,
        "metric_for_best_model": "f1" if select else None,
        "greater_is_better": True if select else None,
    }
    return TrainingArguments(**(device | t.trainer.model_dump() | shared | run))


class TrainerEngine:
    """``train.engine: trainer``: the transformers Trainer with checkpoints and resume."""

    def train(self, run: TrainingRun):
        config, encoded, checkpoints = run.config, run.encoded, run.checkpoints
        has_validation = len(encoded["validation"]) > 0
        callbacks: list[TrainerCallback] = [CrashSafety(), EpochSummary()]  # marked before any other on_save
        if has_validation and config.train.keep_best and config.train.early_stopping_patience:
            callbacks.append(EarlyStoppingCallback(config.train.early_stopping_patience))
        trainer = CheckpointingTrainer(
            model=run.model,
            args=training_arguments(config, checkpoints, has_validation),
            train_dataset=encoded["train"],
            eval_dataset=encoded["validation"] if has_validation else None,
            data_collator=DataCollatorForTokenClassification(
                run.tokenizer,
                pad_to_multiple_of=pad_multiple(config.train.pad_to_multiple_of, cuda=torch.cuda.is_available()),
            ),
            processing_class=run.tokenizer,
            compute_metrics=metrics_function(run.names),
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
