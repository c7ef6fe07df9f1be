"""The dataset card (``README.md`` in the saved dataset folder): sources, licences, labels and counts.

Its metadata is huggingface_hub's ``DatasetCardData``, and the card is parsed back with ``DatasetCard``
before it is written, so a card the hub would reject never reaches the disk.
"""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import DatasetCard, DatasetCardData

from train.config import RunConfig
from train.data.dataset import Counts
from train.data.labels import TAG_COLUMNS, label_table
from train.io import atomic_write_text
from train.reporting.tables import markdown_table
from train.reporting.text import count_keys

TITLE = "Arabic named entities and number claims"


def write_dataset_card(folder: Path, config: RunConfig, counts: Counts) -> Path:
    splits = list(counts)
    metadata = DatasetCardData(
        language=["ar"],
        task_categories=["token-classification"],
        task_ids=["named-entity-recognition"],
        tags=["arabic", "ner", "number-claims"],
        pretty_name=TITLE,
    )
    columns = " and ".join(f"`{column}` ({layer})" for layer, column in TAG_COLUMNS.items())
    sources = [
        [
            s.name,
            s.format,
            s.split,
            ", ".join(s.layers),
            s.license or "see source",
            f"{s.description}{f' ({s.url})' if s.url else ''}",
        ]
        for s in config.data.sources
    ]
    labels = [
        f"`{layer}`: " + "; ".join(f"`{label}` {meaning}" for label, meaning in table.items())
        for layer, table in label_table().items()
    ]
    counted = [[k, *(f"{counts[s].get(k, 0):,}" for s in splits)] for k in count_keys(counts)]
    train = counts.get("train", {})
    shares = ", ".join(
        f"{key.removeprefix('role/')} {n:,} ({100 * n / train['sentences']:.1f}%)"
        for key, n in sorted(train.items())
        if key.startswith("role/")
    )
    body = "\n\n".join(
        [
            f"# {TITLE}",
            "One row per sentence: `tokens` with their character offsets (`starts`, `ends`) into the article "
            f"`doc_id`, BIO tags of each layer, {columns}, and the `layers` the source annotates (the tag "
            "column of a layer it does not annotate is all `O` and is not used for training).",
            "## Sources",
            markdown_table(["source", "format", "split", "layers", "licence", "description"], sources),
            "## Labels",
            *labels,
            "## Counts",
            markdown_table(["", *splits], counted),
            *([f"Training sentences by the role of their source (`role/*` rows): {shares}."] if shares else []),
            f"Split seed {config.data.seed}; splits are made by article (see `train/data/dataset.py`).",
        ]
    )
    card = DatasetCard(f"---\n{metadata.to_yaml()}\n---\n\n{body}\n")
    return atomic_write_text(folder / "README.md", str(card))
