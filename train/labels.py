"""The label sets, read from ``docs/annotation.md``: the guidelines are the one reference for labels.

Each layer's section (``## Layer N: ... (`layer`)``) holds a table whose first column lists the labels
in backticks; their order there is their order in the models.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

GUIDELINES = Path(__file__).resolve().parent.parent / "docs" / "annotation.md"
_SECTION_RE = re.compile(r"^## .*\(`(\w+)`\)\s*$")
_ROW_RE = re.compile(r"^\|\s*`([A-Z]+)`\s*\|\s*([^|]*)\|")


@functools.cache
def label_table(path: Path = GUIDELINES) -> dict[str, dict[str, str]]:
    """``{layer: {label: meaning}}`` as written in the guidelines."""
    layers: dict[str, dict[str, str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            match = _SECTION_RE.match(line)
            current = match.group(1) if match else None
            if current:
                layers[current] = {}
        elif current and (row := _ROW_RE.match(line)):
            layers[current][row.group(1)] = row.group(2).strip()
    if not layers.get("ner") or not layers.get("claims"):
        raise RuntimeError(f"{path}: expected label tables under '## ... (`ner`)' and '## ... (`claims`)'")
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
