"""``train.engine: fast``: the lean loop of :mod:`train.training.fast` behind the :class:`~train.training.engine.Engine`
interface, on one process: validation F1 at each evaluation (the best weights kept), checkpoints at each
evaluation and every ``train.fast.save_steps`` steps, resumed like the Trainer's.

The loop itself stays free of ``datasets`` and ``seqeval`` (the GPU benchmark uses it bare); scoring the
validation split is this module's part.
"""

from __future__ import annotations

import time

from tqdm.auto import tqdm

from train.config import FastTrain, save_config
from train.data.labels import TAG_COLUMNS, tag_names
from train.evaluation.evaluate import predict_split
from train.evaluation.metrics import compute_seqeval
from train.training.checkpoints import FAST_FILES, checkpoint_to_resume
from train.training.engine import TrainingRun, epoch_line, use_bf16
from train.training.fast import EngineSettings, train_model


def engine_settings(train: FastTrain) -> EngineSettings:
    """The fast loop's settings from the ``train`` section of a ``train.engine: fast`` config."""
    return EngineSettings(
        epochs=train.epochs,
        max_steps=train.max_steps,
        learning_rate=train.fast.learning_rate,
        batch_tokens=train.fast.batch_tokens,
        weight_decay=train.weight_decay,
        warmup_ratio=train.warmup_ratio,
        seed=train.seed,
        pad_to_multiple_of=train.pad_to_multiple_of,
        bf16=use_bf16(train.bf16),
        compile=train.fast.compile,
        dropout=train.fast.dropout,
        logging_steps=train.logging_steps,
        keep_best=train.keep_best,
        early_stopping_patience=train.early_stopping_patience if train.keep_best else None,
        save_steps=train.fast.save_steps,
        save_total_limit=train.save_total_limit,
    )


class FastEngine:
    """``train.engine: fast``: :func:`train.training.fast.train_model` on the encoded training split."""

    def train(self, run: TrainingRun):
        config, checkpoints = run.config, run.checkpoints
        resume = checkpoint_to_resume(config, checkpoints, FAST_FILES)
        save_config(config, checkpoints)
        validation = run.dataset["validation"]
        gold = tag_names(validation[TAG_COLUMNS[config.train.task]], run.names)
        started = time.perf_counter()

        def evaluate(trained, info: dict) -> float | None:
            if len(validation) == 0:
                return None
            scores = compute_seqeval(gold, predict_split(validation, trained, run.tokenizer, config.train.eval_batch_size))
            seconds = time.perf_counter() - started
            tqdm.write(epoch_line(info["epoch"], info["step"], info["train_loss"], scores["strict"], seconds))
            return scores["strict"]["f1"]

        train = run.encoded["train"]
        train_model(
            run.model,
            train["input_ids"],
            train["labels"],
            engine_settings(config.train),
            pad_id=run.tokenizer.pad_token_id,
            on_evaluate=evaluate,
            checkpoints=checkpoints,
            resume_from=resume,
        )
        return run.model
