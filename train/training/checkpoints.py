"""Checkpoints that count only when provably whole, for both training engines.

A checkpoint folder ``checkpoint-STEP`` is whole when its completion marker (:data:`MARKER`, written
last) lists every file of the folder with its size, each of those files is there with that size, and
the files a resume needs are among them (:data:`TRAINER_FILES`, :data:`FAST_FILES`). The Trainer
writes straight into ``checkpoint-STEP`` (the marker comes from an ``on_save`` callback); the fast
engine writes a temporary folder, marks it and renames it into place (:func:`save_checkpoint`).
:func:`newest_whole` picks the newest whole checkpoint and names the newer ones it passes over;
:func:`checkpoint_to_resume` decides, for either engine, whether a run resumes from it.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError

from train.config import ConfigError, RunConfig, dotted_items, read_saved
from train.errors import UserError
from train.io import atomic_directory, atomic_write_json
from train.killpoints import kill_point

MARKER = "checkpoint-complete.json"
# Each entry: the file names (glob patterns) of which one at least must be there.
TRAINER_FILES: tuple[tuple[str, ...], ...] = (
    ("model.safetensors", "pytorch_model.bin"),
    ("optimizer.pt",),
    ("scheduler.pt",),
    ("trainer_state.json",),
    ("rng_state.pth", "rng_state_*.pth"),
)
FAST_FILES: tuple[tuple[str, ...], ...] = (("model.pt",), ("optimizer.pt",), ("scheduler.pt",), ("state.pt",))
_NAME = re.compile(r"checkpoint-(\d+)")
# Settings that change how a run reports or saves, not the weights it trains: a resume may differ in them.
RESUME_IGNORES = {
    "train.resume",
    "train.logging_steps",
    "train.save_total_limit",
    "train.eval_batch_size",
    "train.trainer.report_to",
    "train.trainer.dataloader_num_workers",
    "train.fast.save_steps",
    "model.license",
}
log = logging.getLogger(__name__)


class CheckpointError(UserError, ValueError):
    """No whole checkpoint to resume from."""


def checkpoint_folders(checkpoints: Path) -> list[Path]:
    """The ``checkpoint-STEP`` folders of ``checkpoints``, oldest step first."""
    if not checkpoints.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in checkpoints.iterdir() if (m := _NAME.fullmatch(p.name)) and p.is_dir()]
    return [p for _, p in sorted(found)]


def mark_complete(folder: Path) -> None:
    """Write the completion marker: every file of ``folder`` (recursively) with its size. Call it last."""
    files = {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file()}
    files.pop(MARKER, None)
    atomic_write_json(folder / MARKER, {"files": files})


def checkpoint_problem(folder: Path, required: Sequence[Sequence[str]]) -> str | None:
    """Why ``folder`` is not a whole checkpoint; ``None`` when it is."""
    marker = folder / MARKER
    if not marker.is_file():
        return "no completion marker (a kill while it was written, or a version that wrote none)"
    try:
        files = json.loads(marker.read_text(encoding="utf-8"))["files"]
        for name, size in files.items():
            if not (folder / name).is_file():
                return f"{name} is missing"
            if (folder / name).stat().st_size != size:
                return f"{name} has {(folder / name).stat().st_size} bytes, not the {size} written"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return f"unreadable ({error})"
    for names in required:
        if not any(any(folder.glob(pattern)) for pattern in names):
            return f"{' or '.join(names)} is missing"
    return None


def newest_whole(checkpoints: Path, required: Sequence[Sequence[str]]) -> tuple[Path | None, list[tuple[Path, str]]]:
    """The newest whole checkpoint of ``checkpoints`` (``None``: none) and the newer ones that are not
    whole, each with the reason."""
    skipped = []
    for folder in reversed(checkpoint_folders(checkpoints)):
        problem = checkpoint_problem(folder, required)
        if problem is None:
            return folder, skipped
        skipped.append((folder, problem))
    return None, skipped


def save_checkpoint(folder: Path, files: dict[str, Callable[[Path], None]], keep: int | None) -> None:
    """Write ``folder`` whole or not at all: each of ``files`` (name: writer) into a temporary folder,
    then the marker, then the rename into place; then remove all but the newest ``keep`` checkpoints."""
    with atomic_directory(folder) as tmp:
        for name, write in files.items():
            write(tmp / name)
            kill_point("checkpoint-file")
        mark_complete(tmp)
    if keep:
        for old in checkpoint_folders(folder.parent)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)


def _changed_settings(config: RunConfig, stamp: Path) -> str:
    """Why the checkpoints stamped by ``stamp`` (a saved ``run_config.yaml``) are not this run's; empty: they are."""
    if not stamp.is_file():
        return "an unknown configuration (no run_config.yaml)"
    try:
        before = dict(dotted_items(RunConfig.model_validate(read_saved(stamp)).model_dump(mode="json")))
    except (ConfigError, ValidationError) as error:
        return f"a configuration this version cannot read ({str(error).splitlines()[0]})"
    now = dict(dotted_items(config.model_dump(mode="json")))
    changed = sorted(k for k in before.keys() | now.keys() if k not in RESUME_IGNORES and before.get(k) != now.get(k))
    shown = ", ".join(f"{key}: {before.get(key)!r} -> {now.get(key)!r}" for key in changed[:5])
    return f"a different configuration ({shown}{', ...' if len(changed) > 5 else ''})" if changed else ""


def checkpoint_to_resume(config: RunConfig, checkpoints: Path, required, *, main: bool = True) -> Path | None:
    """The newest whole checkpoint in ``checkpoints`` (``required``: the files it needs) when
    ``train.resume`` allows it and the same configuration wrote it (its ``run_config.yaml``, read through
    the translation of older shapes); an error if another one did, or if no checkpoint there is whole.
    Newer ones that are not whole are named in a warning each and removed, as are the temporary folders
    of killed saves; a fresh start removes every checkpoint, so that a later resume cannot pick one of
    them up. Only the ``main`` process removes anything."""
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
    if reason := _changed_settings(config, checkpoints / "run_config.yaml"):
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
