"""The annotation layers and their label sets, read from ``train/data/labels.yaml``: package data, so an
installed wheel has them too, and the one place that names the layers (:data:`LAYERS`), their dataset
tag columns (:data:`TAG_COLUMNS`) and their labels.

The file maps each layer to its tag column and its labels with their meanings; the labels' order there
is their order in the models. The tables of ``docs/annotation.md`` say the same (``tests/test_labels.py``
checks it).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from importlib import resources

import yaml

LABELS_FILE = "labels.yaml"


@functools.cache
def _layers() -> dict[str, dict]:
    """``{layer: {"column": str, "labels": {label: meaning}}}`` as written in ``train/data/labels.yaml``."""
    text = resources.files(__package__).joinpath(LABELS_FILE).read_text(encoding="utf-8")
    layers = yaml.safe_load(text)
    if not isinstance(layers, dict) or not layers:
        raise RuntimeError(f"train/data/{LABELS_FILE}: expected a mapping of each layer to its column and labels")
    for layer, spec in layers.items():
        table = spec.get("labels") if isinstance(spec, dict) else None
        if (
            not isinstance(spec.get("column") if isinstance(spec, dict) else None, str)
            or not isinstance(table, dict)
            or not table
            or not all(isinstance(meaning, str) for meaning in table.values())
        ):
            raise RuntimeError(
                f"train/data/{LABELS_FILE}: expected '{layer}' to give its tag 'column' and its 'labels', "
                "each label mapped to its meaning"
            )
    return layers


@functools.cache
def label_table() -> dict[str, dict[str, str]]:
    """``{layer: {label: meaning}}`` as written in ``train/data/labels.yaml``."""
    return {layer: spec["labels"] for layer, spec in _layers().items()}


LAYERS: tuple[str, ...] = tuple(_layers())
TAG_COLUMNS: dict[str, str] = {layer: spec["column"] for layer, spec in _layers().items()}


def entity_labels(layer: str) -> list[str]:
    return list(label_table()[layer])


def bio_labels(layer: str) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for each label of the layer."""
    return ["O"] + [f"{prefix}-{label}" for label in entity_labels(layer) for prefix in ("B", "I")]


def tag_names(rows: Iterable[Sequence[int]], names: Sequence[str]) -> list[list[str]]:
    """Rows of tag ids as rows of label names."""
    return [[names[t] for t in tags] for tags in rows]
