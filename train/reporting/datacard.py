"""The dataset card (``README.md`` in the saved dataset folder): sources, licences, labels and counts."""

from __future__ import annotations

from pathlib import Path

import yaml

from train.config import RunConfig
from train.data.labels import label_table
from train.io import atomic_write_text


def count_keys(counts: dict[str, dict[str, int]]) -> list[str]:
    """The rows of a counts table: sizes first, then ``layer/label`` entity counts."""
    return ["articles", "sentences", "tokens"] + sorted({k for c in counts.values() for k in c if "/" in k})


def write_dataset_card(folder: Path, config: RunConfig, counts: dict[str, dict[str, int]]) -> Path:
    splits = list(counts)
    metadata = {
        "language": ["ar"],
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "tags": ["arabic", "ner", "number-claims"],
        "pretty_name": "Arabic named entities and number claims",
    }
    lines = ["---", yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False).strip(), "---", ""]
    lines += [
        "# Arabic named entities and number claims",
        "",
        "One row per sentence: `tokens` with their character offsets (`starts`, `ends`) into the article "
        "`doc_id`, BIO tags for named entities (`ner_tags`) and number claims (`claim_tags`), and the "
        "`layers` the source annotates (the other column is all `O` and is not used for training).",
        "",
        "## Sources",
        "",
        "| source | format | split | layers | licence | description |",
        "|---|---|---|---|---|---|",
    ]
    for s in config.data.sources:
        lines.append(
            f"| {s.name} | {s.format} | {s.split} | {', '.join(s.layers)} | {s.license or 'see source'} | "
            f"{s.description}{f' ({s.url})' if s.url else ''} |"
        )
    lines += ["", "## Labels", ""]
    for layer, labels in label_table().items():
        lines += [f"`{layer}`: " + "; ".join(f"`{label}` {meaning}" for label, meaning in labels.items()), ""]
    lines += ["## Counts", "", "| | " + " | ".join(splits) + " |", "|---|" + "---|" * len(splits)]
    keys = count_keys(counts)
    lines += [f"| {k} | " + " | ".join(f"{counts[s].get(k, 0):,}" for s in splits) + " |" for k in keys]
    lines += ["", f"Split seed {config.data.seed}; splits are made by article (see `train/data/dataset.py`).", ""]
    return atomic_write_text(folder / "README.md", "\n".join(lines))
