"""The ``Engine`` interface both training engines implement, and what they share.

``fit`` (train/training/fit.py) prepares one :class:`TrainingRun` (the task's splits, encoded, the
labels, the tokenizer and the freshly initialised model) and hands it to the engine ``train.engine``
names: :class:`train.training.trainer.TrainerEngine` (the transformers ``Trainer``) or
:class:`train.training.fast_engine.FastEngine` (the lean loop of :mod:`train.training.fast`). An engine
trains the model in place, checkpointing into ``run.checkpoints`` and resuming from there
(:func:`train.training.checkpoints.checkpoint_to_resume`), and prints :func:`epoch_line` at each
evaluation on the validation split.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import torch
from datasets import DatasetDict
from transformers import PreTrainedModel, PreTrainedTokenizerFast

from train.config import RunConfig


@dataclass
class TrainingRun:
    """What an engine trains on: ``dataset`` the task's splits as rows, ``encoded`` the same as features
    (``input_ids``, ``labels``), ``names`` the label names by id."""

    config: RunConfig
    dataset: DatasetDict
    encoded: DatasetDict
    names: list[str]
    tokenizer: PreTrainedTokenizerFast
    model: PreTrainedModel
    checkpoints: Path


class Engine(Protocol):
    """One way to train a token classifier."""

    def train(self, run: TrainingRun) -> PreTrainedModel | None:
        """Train ``run.model``, resuming from ``run.checkpoints`` where the config allows; return the model
        to write (the best one when ``train.keep_best``), or ``None`` on a process that writes nothing."""
        ...


def use_bf16(setting) -> bool:
    """``train.bf16``: ``auto`` is bf16 on a CUDA device that supports it."""
    if setting == "auto":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return bool(setting)


def epoch_line(
    epoch: float, step: int, train_loss: float | None, scores: dict, seconds: float, dev_loss: float | None = None
) -> str:
    """The line printed at each evaluation, for both engines; ``scores`` is a strict seqeval result."""
    parts = [f"epoch {epoch:.2f}", f"step {step}", "train loss " + ("-" if train_loss is None else f"{train_loss:.4f}")]
    if dev_loss is not None:
        parts.append(f"dev loss {dev_loss:.4f}")
    parts.append(f"dev F1 {scores['f1']:.4f} (P {scores['precision']:.4f} R {scores['recall']:.4f})")
    return " | ".join(parts + [f"{seconds:.0f}s"])
