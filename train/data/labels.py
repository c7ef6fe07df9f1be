"""The label sets, read from ``train/data/labels.yaml``: package data, so an installed wheel has them too.

The file maps each layer to its labels and their meanings; their order there is their order in the
models. The tables of ``docs/annotation.md`` say the same (``tests/test_labels.py`` checks it).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from importlib import resources

import yaml

LABELS_FILE = "labels.yaml"


@functools.cache
def label_table() -> dict[str, dict[str, str]]:
    """``{layer: {label: meaning}}`` as written in ``train/data/labels.yaml``."""
    text = resources.files(__package__).joinpath(LABELS_FILE).read_text(encoding="utf-8")
    layers = yaml.safe_load(text)
    for layer in ("ner", "claims"):
        table = layers.get(layer) if isinstance(layers, dict) else None
        if not isinstance(table, dict) or not table or not all(isinstance(meaning, str) for meaning in table.values()):
            raise RuntimeError(f"train/{LABELS_FILE}: expected '{layer}' to map each label to its meaning")
    return layers


def entity_labels(layer: str) -> list[str]:
    return list(label_table()[layer])


def bio_labels(layer: str) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for each label of the layer."""
    return ["O"] + [f"{prefix}-{label}" for label in entity_labels(layer) for prefix in ("B", "I")]


TAG_COLUMNS = {"ner": "ner_tags", "claims": "claim_tags"}


def tag_names(rows: Iterable[Sequence[int]], names: Sequence[str]) -> list[list[str]]:
    """Rows of tag ids as rows of label names."""
    return [[names[t] for t in tags] for tags in rows]
