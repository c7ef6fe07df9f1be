"""Publishes a trained model folder to the HuggingFace hub, or lists what would be published.

What is uploaded is decided in one place, ``IGNORE_PATTERNS``: the dry run filters the folder with
huggingface_hub's own ``filter_repo_objects`` and the same patterns (plus the hub's built-in ones)
that ``HfApi.upload_folder`` receives, so the dry-run list is the upload. The token is resolved but
never printed, logged or put into an error message.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from huggingface_hub import HfApi, get_token
from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import DEFAULT_IGNORE_PATTERNS, filter_repo_objects, validate_repo_id

from train.errors import UserError
from train.inference.portable import portability_problems
from train.reporting.modelcard import set_card_repo_id

logger = logging.getLogger(__name__)

# fnmatch patterns on paths relative to the model folder; ``*`` also matches ``/``.
IGNORE_PATTERNS: tuple[str, ...] = (
    "checkpoint-*/*",  # Trainer checkpoints (weights, optimizer, RNG state)
    "*/checkpoint-*/*",
    "runs/*",  # TensorBoard logs
    "*/runs/*",
    "logs/*",
    "wandb/*",
    "training_args.bin",  # pickled TrainingArguments: local paths, unsafe to unpickle
    "trainer_state.json",
    "optimizer.pt",
    "scheduler.pt",
    "scaler.pt",
    "rng_state*.pth",
    "*.tmp",  # interrupted atomic writes
    "*.lock",
    "*.log",
    "errors_*.jsonl",  # the evaluation's wrongly tagged sentences: evaluation text, for local error analysis
    "*.pyc",
    "__pycache__/*",
    "*/__pycache__/*",
    ".ipynb_checkpoints/*",
    "*/.ipynb_checkpoints/*",
    ".DS_Store",
    "*/.DS_Store",
)


class PushError(UserError):
    """A push that cannot go ahead: no token, bad repo id, or an incomplete model folder."""


def upload_plan(model_dir: Path) -> list[tuple[str, int]]:
    """``(relative path, size in bytes)`` of every file the upload sends, sorted by path."""
    root = Path(model_dir).expanduser().resolve()
    files = {path.relative_to(root).as_posix(): path for path in root.glob("**/*") if path.is_file()}
    kept = filter_repo_objects(list(files), ignore_patterns=[*IGNORE_PATTERNS, *DEFAULT_IGNORE_PATTERNS])
    return [(relative, files[relative].stat().st_size) for relative in sorted(kept)]


def missing_files(paths: list[str]) -> list[str]:
    """What a loadable model folder lacks, given the relative paths that would be uploaded."""
    present = set(paths)
    missing = [name for name in ("config.json", "README.md", "tokenizer_config.json") if name not in present]
    if not any(path.endswith(".safetensors") and "/" not in path for path in present):
        missing.append("a *.safetensors weights file")
    if not present & {"tokenizer.json", "vocab.txt"}:
        missing.append("tokenizer.json or vocab.txt")
    return missing


def resolve_token(token: str | None) -> str | None:
    """The argument, else ``HF_TOKEN``, else the saved ``hf auth login`` token."""
    return token or os.environ.get("HF_TOKEN") or get_token()


def _human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def push(
    model_dir: Path,
    repo_id: str,
    *,
    dry_run: bool = False,
    private: bool = False,
    token: str | None = None,
) -> list[str]:
    """Upload ``model_dir`` to the model repo ``repo_id``, creating it if needed.

    The card's usage snippet is pointed at ``repo_id`` first (not in a dry run). Returns the uploaded
    (with ``dry_run``: the to-be-uploaded) files as ``"path (size)"`` lines, sorted by path, for the
    caller to print. Raises ``PushError`` before touching the network when
    no token is available (unless ``dry_run``), the repo id is invalid, the folder is incomplete or
    transformers 4.x could not load it (``python -m train portable`` re-saves it).
    """
    resolved = None
    if not dry_run:
        resolved = resolve_token(token)
        if not resolved:
            raise PushError(
                "No HuggingFace token found. Set the HF_TOKEN environment variable or run `hf auth login`, "
                "or use --dry-run to list the files without uploading."
            )
    try:
        validate_repo_id(repo_id)
    except HFValidationError as error:
        raise PushError(f"Invalid repo id {repo_id!r}: {error}") from error
    if "/" not in repo_id:
        raise PushError(f"Repo id {repo_id!r} must name its owner: ORG/NAME or USER/NAME.")
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise PushError(f"{model_dir} is not a directory.")

    if problems := portability_problems(model_dir):
        raise PushError(
            f"{model_dir}: transformers 4.x could not load it ({'; '.join(problems)}); "
            f"re-save it first: python -m train portable {model_dir}"
        )
    if not dry_run:
        set_card_repo_id(model_dir, repo_id)
    plan = upload_plan(model_dir)
    missing = missing_files([path for path, _ in plan])
    if missing:
        raise PushError(f"{model_dir} is not a complete model folder; missing: {', '.join(missing)}.")
    lines = [f"{path} ({_human_size(size)})" for path, size in plan]
    if dry_run:
        return lines

    api = HfApi(token=resolved)
    api.create_repo(repo_id, exist_ok=True, private=private, repo_type="model")
    api.upload_folder(
        repo_id=repo_id,
        folder_path=model_dir,
        repo_type="model",
        ignore_patterns=list(IGNORE_PATTERNS),  # upload_folder extends the list it is given
        commit_message=f"Upload {model_dir.name}",
    )
    logger.info("Uploaded %d files to https://huggingface.co/%s", len(plan), repo_id)
    return lines
