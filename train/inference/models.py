"""Loading a trained model folder (written by ``fit``) or a published hub id, checked for its task."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

import torch
from huggingface_hub import constants, try_to_load_from_cache
from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import validate_repo_id
from transformers import AutoModelForTokenClassification, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerFast

from train.data.labels import bio_labels, entity_labels
from train.errors import UserError
from train.inference.portable import warn_if_not_portable


class ModelLoadError(UserError, RuntimeError):
    """The base model cannot be loaded; the message says how to point the config elsewhere."""


def unreachable(repo_id: str) -> str | None:
    """Why ``repo_id`` cannot be fetched now (not cached, and offline or the hub unreachable), else ``None``."""
    if isinstance(try_to_load_from_cache(repo_id, "config.json"), str):
        return None
    if constants.HF_HUB_OFFLINE:
        return "HF_HUB_OFFLINE is set and the model is not in the local HuggingFace cache"
    host = urlparse(constants.ENDPOINT).hostname or "huggingface.co"
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError as error:
        return f"the hub ({host}) cannot be reached: {error}"
    return None


def load_trained(name: str | Path, task: str | None = None) -> tuple[PreTrainedTokenizerFast, PreTrainedModel]:
    """A trained model (tokenizer and model): a folder written by ``fit`` or the hub id of a published one,
    on the GPU when there is one; with ``task``, an error unless it was trained for that task (its
    ``config.json`` task and labels, :func:`check_task`)."""
    folder = Path(name)
    if folder.is_dir() and not (folder / "config.json").is_file():
        raise ModelLoadError(
            f"{folder}: not a model folder (no config.json); pass the model/ folder that fit wrote, e.g. runs/ner/model"
        )
    if not folder.is_dir():
        try:
            validate_repo_id(str(name))
            reason = unreachable(str(name))
        except HFValidationError:
            reason = "not a hub id either"
        if reason:
            raise ModelLoadError(
                f"{name}: no such model folder, nor a model on the HuggingFace hub ({reason}); pass the model/ folder "
                "that fit wrote (e.g. runs/ner/model) or the hub id of a published model (ORG/NAME)"
            )
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(name))
        model = AutoModelForTokenClassification.from_pretrained(str(name))
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"{name}: cannot load a token-classification model: {str(error).splitlines()[0]}") from None
    if task is not None:
        check_task(str(name), model, task)
    if folder.is_dir():
        warn_if_not_portable(folder)
    model.to("cuda" if torch.cuda.is_available() else "cpu")
    return tokenizer, model


def check_task(name: str, model: PreTrainedModel, task: str) -> None:
    """An error unless ``model`` was trained for ``task``: its ``config.json`` names no other task, and its
    labels are the task's BIO tags (an untrained base model has ``LABEL_0``...)."""
    trained_for = getattr(model.config, "task", None)
    if trained_for is not None and trained_for != task:
        raise ModelLoadError(f"{name}: a '{trained_for}' model, where a '{task}' model was expected")
    labels = sorted(set(model.config.id2label.values()))
    if not set(labels) <= set(bio_labels(task)):
        raise ModelLoadError(
            f"{name}: its labels ({', '.join(labels[:6])}{', ...' if len(labels) > 6 else ''}) are not the BIO tags of "
            f"the '{task}' task ({', '.join(entity_labels(task))}); a base model must be fine-tuned first: python -m train fit"
        )
