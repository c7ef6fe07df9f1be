"""Tokenizer files that load in transformers 4.45 to 4.57 as well as 5.x, and the re-save of older folders.

transformers 5 saves a ``PreTrainedTokenizerFast`` as ``"tokenizer_class": "TokenizersBackend"``, a class
4.x lacks, and a tokenizer built in code (``configs/tiny.yaml``) has no decoder (``"decoder": null``), which
4.45's pipeline needs to rebuild words. :func:`save_tokenizer` writes ``PreTrainedTokenizerFast`` (the name
both versions load ``tokenizer.json`` under, as is: the normalizer is kept) and a WordPiece decoder.

A folder written before this (``fit`` of an older version of the project) still loads here;
:func:`make_portable` rewrites its two tokenizer files in place, and nothing else::

    python -m train portable runs/ner/model
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from tokenizers import decoders
from transformers import PreTrainedTokenizerFast

from train.io import atomic_write_json, atomic_write_text

log = logging.getLogger(__name__)

TOKENIZER_CLASS = "PreTrainedTokenizerFast"
# What transformers 4.x cannot read in a tokenizer_config.json.
UNKNOWN_TO_4X = {"TokenizersBackend"}


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _inspect(folder: Path) -> tuple[dict, dict, str | None, str | None]:
    """The tokenizer config, the ``tokenizer.json`` content, and what of each keeps transformers 4.x out."""
    config, backend = _read(folder / "tokenizer_config.json"), _read(folder / "tokenizer.json")
    tokenizer_class = config.get("tokenizer_class")
    class_problem = decoder_problem = None
    if tokenizer_class in UNKNOWN_TO_4X:
        class_problem = f'tokenizer_config.json names "{tokenizer_class}", a class transformers 4.x lacks'
    if backend and backend.get("decoder") is None and backend.get("model", {}).get("type") == "WordPiece":
        decoder_problem = "tokenizer.json has no decoder (transformers 4.45's pipeline needs one to group words)"
    return config, backend, class_problem, decoder_problem


def portability_problems(folder: str | Path) -> list[str]:
    """What keeps ``folder``'s tokenizer from loading in transformers 4.x (empty: nothing)."""
    return [problem for problem in _inspect(Path(folder))[2:] if problem]


def make_portable(folder: str | Path) -> list[str]:
    """Rewrite ``folder``'s tokenizer files so that transformers 4.x loads them too; return what was fixed."""
    folder = Path(folder)
    config, backend, class_problem, decoder_problem = _inspect(folder)
    if class_problem:
        atomic_write_json(folder / "tokenizer_config.json", {**config, "tokenizer_class": TOKENIZER_CLASS})
    if decoder_problem:
        decoder = json.loads(decoders.WordPiece(prefix=backend["model"].get("continuing_subword_prefix", "##")).__getstate__())
        atomic_write_text(folder / "tokenizer.json", json.dumps({**backend, "decoder": decoder}, ensure_ascii=False, indent=2))
    return [problem for problem in (class_problem, decoder_problem) if problem]


def save_tokenizer(tokenizer: PreTrainedTokenizerFast, folder: str | Path) -> None:
    """``tokenizer.save_pretrained(folder)``, made loadable by transformers 4.45 and later (:func:`make_portable`)."""
    tokenizer.save_pretrained(str(folder))
    make_portable(folder)


def warn_if_not_portable(folder: str | Path) -> None:
    """A one-line warning, with the command that fixes it, when transformers 4.x cannot load ``folder``."""
    if problems := portability_problems(folder):
        log.warning(
            "%s: transformers 4.x cannot load this folder (%s); it loads here. Re-save its tokenizer files in place: "
            "python -m train portable %s",
            folder,
            "; ".join(problems),
            folder,
        )
