"""The lean training loop (``train.engine: fast``): the project's fast path.

The transformers ``Trainer`` spends more time per step on bookkeeping than a small token classifier
spends on its forward and backward pass. This loop keeps only what training needs:

* token-budget batches: windows are shuffled, sorted by length inside chunks, cut into batches of at
  most ``batch_tokens`` padded tokens, and the batches shuffled with the seed, so there is little
  padding and every step does about the same work (widths are rounded up to a multiple of 8 on CUDA
  only: elsewhere rounding just adds padded work, see :func:`pad_multiple`);
* fused AdamW (one kernel for all parameters, on CUDA and on CPU) with decoupled weight decay (not on
  biases and LayerNorm), linear warmup and decay (``transformers.get_scheduler``), gradient clipping;
* on CUDA: bf16 autocast, TF32 matmuls, pinned host memory and non-blocking copies; the running loss
  stays on the device and is read once every ``logging_steps``, and the attention mask is decided on the
  host (:func:`attention_mask`), so a step makes no host sync;
* optional ``torch.compile`` (``compile=True``, dynamic shapes);
* an ``on_evaluate(model, info)`` callback ``evaluations_per_epoch`` times an epoch; when it returns a
  score, the best weights are kept in memory and restored at the end (``keep_best``), and
  ``early_stopping_patience`` evaluations without a gain stop training;
* with a ``checkpoints`` folder: a checkpoint at each evaluation and every ``save_steps`` steps, written
  to a temporary folder and renamed into place (:mod:`train.training.checkpoints`), from which ``resume_from``
  continues to the same final weights as an uninterrupted run (model, optimizer, scheduler, RNG
  states, the position in the seeded batch plan, the running loss, the best weights so far).

Inputs are plain lists (``input_ids``, ``labels`` as made by :func:`train.inference.encoding.training_features`).
This module imports neither ``datasets`` nor ``seqeval``: the GPU benchmark uses it bare.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import torch
from transformers import get_scheduler

from train.inference.batching import attention_mask, collate, pad_multiple, token_batches
from train.killpoints import kill_point
from train.training.checkpoints import save_checkpoint

log = logging.getLogger(__name__)


@dataclass
class EngineSettings:
    epochs: float = 3
    max_steps: int = -1
    learning_rate: float = 5e-4
    batch_tokens: int = 2048
    max_batch_size: int = 256
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    max_grad_norm: float | None = 1.0
    seed: int = 42
    pad_to_multiple_of: Literal["auto"] | int | None = "auto"
    sort_chunk: int = 1024
    bf16: bool = False
    compile: bool = False
    dropout: float | None = None  # every nn.Dropout's probability while training; None keeps the model's
    logging_steps: int = 50
    evaluations_per_epoch: int = 1
    keep_best: bool = True
    early_stopping_patience: int | None = None
    save_steps: int = 0  # with checkpoints: also save every this many steps (0: at each evaluation only)
    save_total_limit: int | None = 2  # checkpoints kept, newest first (None: all)


@dataclass
class EngineResult:
    model: torch.nn.Module
    steps: int = 0
    train_seconds: float = 0.0  # optimisation only, evaluation excluded
    real_tokens: int = 0  # non-pad tokens seen
    padded_tokens: int = 0
    history: list[dict] = field(default_factory=list)
    best_score: float | None = None


def step_line(step: int, total: int, loss: float, learning_rate: float) -> str:
    """The progress line of a logging step, for both engines."""
    return f"step {step}/{total} | loss {loss:.4f} | lr {learning_rate:.2e}"


def make_optimizer(model: torch.nn.Module, settings: EngineSettings) -> torch.optim.Optimizer:
    decay, no_decay = [], []
    for parameter in model.parameters():
        if parameter.requires_grad:
            (no_decay if parameter.ndim < 2 else decay).append(parameter)
    groups = [{"params": decay, "weight_decay": settings.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=settings.learning_rate, fused=True)


def train_model(
    model: torch.nn.Module,
    input_ids: Sequence[Sequence[int]],
    labels: Sequence[Sequence[int]],
    settings: EngineSettings,
    *,
    pad_id: int = 0,
    on_evaluate: Callable[[torch.nn.Module, dict], float | None] | None = None,
    device: torch.device | str | None = None,
    checkpoints: Path | None = None,
    resume_from: Path | None = None,
) -> EngineResult:
    """Train ``model`` in place on the encoded windows; return it with timings and the evaluation history.

    With ``checkpoints``, a checkpoint is saved there at each evaluation and every ``save_steps`` steps
    (:func:`save_engine_checkpoint`); ``resume_from`` (one of them) continues that run where it stopped,
    to the same final weights. TF32 matmuls are switched on for the run on CUDA and the previous setting
    is restored afterwards.
    """
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    with tf32(device.type == "cuda"):
        return _train(model, input_ids, labels, settings, pad_id, on_evaluate, device, checkpoints, resume_from)


def set_dropout(model: torch.nn.Module, probability: float) -> None:
    """Set every ``nn.Dropout`` of ``model`` (BERT's attention reads its module's ``p`` too); the saved
    ``config.json`` keeps the base model's values, so later fine-tuning starts from those."""
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = probability


@contextlib.contextmanager
def tf32(enabled: bool):
    previous = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    if enabled:
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = previous


def _train(
    model, input_ids, labels, settings: EngineSettings, pad_id, on_evaluate, device: torch.device, checkpoints, resume_from
) -> EngineResult:
    cuda = device.type == "cuda"
    torch.manual_seed(settings.seed)
    model.to(device)
    if settings.dropout is not None:
        set_dropout(model, settings.dropout)
    rows = [torch.tensor(r, dtype=torch.long) for r in input_ids]
    golds = [torch.tensor(g, dtype=torch.long) for g in labels]
    lengths = [len(r) for r in rows]
    multiple = pad_multiple(settings.pad_to_multiple_of, cuda=cuda)

    def plan(epoch: int) -> list[list[int]]:
        return token_batches(
            lengths,
            settings.batch_tokens,
            seed=settings.seed * 1000 + epoch,
            multiple=multiple,
            sort_chunk=settings.sort_chunk,
            max_batch_size=settings.max_batch_size,
        )

    epochs = max(1, math.ceil(settings.epochs))
    plans = [plan(e) for e in range(epochs)]
    total = sum(len(p) for p in plans[:-1]) + max(1, round(len(plans[-1]) * (settings.epochs - epochs + 1)))  # fractional
    if settings.max_steps > 0:
        total = min(total, settings.max_steps)
    optimizer = make_optimizer(model, settings)
    scheduler = get_scheduler(
        "linear", optimizer, num_warmup_steps=math.ceil(total * settings.warmup_ratio), num_training_steps=total
    )
    forward = torch.compile(model, dynamic=True) if settings.compile else model
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=settings.bf16 and cuda)

    result = EngineResult(model=model)
    loop = {"epoch": 0, "batch": 0, "step": 0, "running_steps": 0, "clock": 0.0, "waited": 0}
    best_state = None
    running = torch.zeros((), device=device)
    if resume_from is not None:
        best_state, running = load_checkpoint(Path(resume_from), model, optimizer, scheduler, result, loop, device)
    step, waited = loop["step"], loop["waited"]
    running_steps, clock = loop["running_steps"], loop["clock"]
    model.train()
    for epoch, batches in enumerate(plans):
        if epoch < loop["epoch"]:
            continue
        skip = loop["batch"] if epoch == loop["epoch"] else 0  # batches this epoch done before the checkpoint
        evaluations = {
            round(len(batches) * k / settings.evaluations_per_epoch) for k in range(1, settings.evaluations_per_epoch + 1)
        }
        started = time.perf_counter()
        for b, batch in enumerate(batches, start=1):
            if step >= total:
                break
            if b <= skip:
                continue
            inputs = collate([rows[i] for i in batch], [golds[i] for i in batch], pad_id, multiple)
            if cuda:
                inputs = {k: v.pin_memory().to(device, non_blocking=True) for k, v in inputs.items()}
            result.real_tokens += sum(lengths[i] for i in batch)
            result.padded_tokens += inputs["input_ids"].numel()
            inputs["attention_mask"] = attention_mask(model, inputs["attention_mask"], [lengths[i] for i in batch])
            with autocast:
                loss = forward(**inputs).loss
            loss.backward()
            if settings.max_grad_norm:
                torch.nn.utils.clip_grad_norm_(model.parameters(), settings.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            running += loss.detach()
            running_steps += 1
            step += 1
            kill_point("step")
            if settings.logging_steps and step % settings.logging_steps == 0:
                log.info("%s", step_line(step, total, running.item() / running_steps, scheduler.get_last_lr()[0]))
            evaluated = b in evaluations or step >= total
            if evaluated:
                if cuda:
                    torch.cuda.synchronize()
                clock += time.perf_counter() - started
                info = {
                    "epoch": round(epoch + b / len(batches), 3),
                    "step": step,
                    "train_loss": running.item() / max(1, running_steps),
                    "train_seconds": clock,
                    "real_tokens": result.real_tokens,
                }
                running.zero_()
                running_steps = 0
                score = None
                if on_evaluate is not None:
                    model.eval()
                    score = on_evaluate(model, info)
                    model.train()
                info["score"] = score
                result.history.append(info)
                if score is not None and (result.best_score is None or score > result.best_score):
                    result.best_score, waited = score, 0
                    if settings.keep_best:
                        best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
                elif score is not None:
                    waited += 1
                started = time.perf_counter()
                if settings.early_stopping_patience and waited >= settings.early_stopping_patience:
                    log.info("early stop after %d evaluations without a better score", waited)
                    step = total
            if checkpoints is not None and (evaluated or (settings.save_steps and step % settings.save_steps == 0)):
                if not evaluated:
                    clock += time.perf_counter() - started
                loop.update(epoch=epoch, batch=b, step=step, running_steps=running_steps, clock=clock, waited=waited)
                save_engine_checkpoint(checkpoints, settings, model, optimizer, scheduler, result, loop, running, best_state)
                started = time.perf_counter()  # writing the checkpoint is not training time
        if step >= total:
            break
    result.steps, result.train_seconds = step, clock
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return result


def save_engine_checkpoint(
    checkpoints: Path, settings: EngineSettings, model, optimizer, scheduler, result: EngineResult, loop, running, best_state
) -> None:
    """``checkpoints/checkpoint-STEP``, whole or not at all: model, optimizer, scheduler, the loop's
    position and counters with the RNG states (``state.pt``), the best weights so far (``best.pt``)."""
    state = {
        **loop,
        "running": running.detach().cpu(),
        "real_tokens": result.real_tokens,
        "padded_tokens": result.padded_tokens,
        "history": result.history,
        "best_score": result.best_score,
        "rng": torch.get_rng_state(),
        "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }
    files = {
        "model.pt": lambda path: torch.save(model.state_dict(), path),
        "optimizer.pt": lambda path: torch.save(optimizer.state_dict(), path),
        "scheduler.pt": lambda path: torch.save(scheduler.state_dict(), path),
        "state.pt": lambda path: torch.save(state, path),
    }
    if best_state is not None:
        files["best.pt"] = lambda path: torch.save(best_state, path)
    save_checkpoint(Path(checkpoints) / f"checkpoint-{loop['step']}", files, settings.save_total_limit)


def load_checkpoint(folder: Path, model, optimizer, scheduler, result: EngineResult, loop: dict, device: torch.device):
    """Restore what :func:`save_engine_checkpoint` wrote; update ``result`` and ``loop``; return the best
    weights (or ``None``) and the running loss."""
    model.load_state_dict(torch.load(folder / "model.pt", map_location=device))
    optimizer.load_state_dict(torch.load(folder / "optimizer.pt", map_location=device))
    scheduler.load_state_dict(torch.load(folder / "scheduler.pt"))
    state = torch.load(folder / "state.pt")
    for key in loop:
        loop[key] = state[key]
    result.real_tokens, result.padded_tokens = state["real_tokens"], state["padded_tokens"]
    result.history, result.best_score = state["history"], state["best_score"]
    torch.set_rng_state(state["rng"])
    if state["cuda_rng"] and device.type == "cuda":
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    best = torch.load(folder / "best.pt") if (folder / "best.pt").is_file() else None
    log.info("resumed from %s at step %d", folder, state["step"])
    return best, state["running"].to(device)
