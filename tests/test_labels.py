"""The label sets: ``train/data/labels.yaml`` is the source; the guidelines' tables must say the same."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from train.config import Layer
from train.data.labels import LAYERS, TAG_COLUMNS, bio_labels, entity_labels, label_table

GUIDELINES = Path(__file__).resolve().parent.parent / "docs" / "annotation.md"
SECTION_RE = re.compile(r"^## .*\(`(\w+)`\)\s*$")
ROW_RE = re.compile(r"^\|\s*`([A-Z]+)`\s*\|\s*([^|]*)\|")


def guideline_tables(text: str) -> dict[str, dict[str, str]]:
    """``{layer: {label: meaning}}`` from the tables under each ``## ... (`layer`)`` section, in order."""
    layers: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            match = SECTION_RE.match(line)
            current = match.group(1) if match else None
            if current:
                layers[current] = {}
        elif current and (row := ROW_RE.match(line)):
            layers[current][row.group(1)] = row.group(2).strip()
    return layers


def test_guidelines_tables_match_the_package_labels():
    documented = guideline_tables(GUIDELINES.read_text(encoding="utf-8"))
    # order matters: it is the order of the models' label ids
    assert {layer: list(table.items()) for layer, table in documented.items()} == {
        layer: list(table.items()) for layer, table in label_table().items()
    }, "train/data/labels.yaml and the label tables of docs/annotation.md differ: edit both"


def test_label_sets():
    assert entity_labels("ner") == ["PERS", "LOC", "ORG", "MISC"]
    assert bio_labels("claims") == ["O", "B-QTY", "I-QTY", "B-ENT", "I-ENT", "B-TIME", "I-TIME"]


def test_the_layers_are_those_of_labels_yaml() -> None:
    """``train/data/labels.yaml`` names the layers; the config's ``Layer`` (the foundation cannot read the
    data stage's file) must name the same."""
    assert LAYERS == tuple(label_table()) == tuple(TAG_COLUMNS) == ("ner", "claims")
    assert get_args(Layer) == LAYERS, "train.config.Layer and train/data/labels.yaml name different layers: edit both"
