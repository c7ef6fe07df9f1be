"""Data preparation: the configured sources -> one sentence-per-row ``DatasetDict`` on disk.

Declared inputs: the ``data.sources`` of the run config. Declared output: ``data.output``, a folder
written by ``save_to_disk`` with the resolved config beside it, and whatever the caller's ``finish``
adds inside the same atomic write (the ``data`` step, :mod:`train.steps`, adds the dataset card).
Training reads nothing else.

Splits are made by article, never by sentence. A source with ``split: auto`` is shuffled by article
with ``data.seed`` and cut by ``validation_fraction``/``test_fraction``; ``train+validation`` carves
only a validation part; a fixed split is kept. An article that sits in validation or test in one
source is dropped from every other source's train part, so no document is in two splits. A source's
``repeat`` puts each of its train sentences that many times into train (validation and test take each once).

Each row is one sentence: its words and offsets, a BIO tag column per layer (:func:`article_rows`) and
``claim_links``, the gold links of its ``QTY`` records in word indices (:func:`sentence_links`; what the
learned linker trains on, :mod:`train.training.linker`).
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from datasets import ClassLabel, Dataset, DatasetDict, Features, List, Value, load_from_disk
from tqdm.auto import tqdm

from train.config import RunConfig, SourceConfig, save_config
from train.data.articles import Article, DataError
from train.data.labels import TAG_COLUMNS, bio_labels
from train.data.readers import read_source, source_files
from train.data.readers.jsonl import read_json_lines
from train.data.spans import Span, bio_to_spans, spans_to_bio
from train.data.text import Token, WordIndex
from train.io import atomic_directory

log = logging.getLogger(__name__)

SPLITS = ("train", "validation", "test")
LINK_COLUMNS = ("qty", "entity", "time")  # the fields of a claim_links item, each [first word, end word)
NO_LINK = [-1, -1]  # a claim_links item's entity or time when the QTY has no link in its own sentence
Counts = dict[str, dict[str, int]]  # split -> {"sentences", "tokens", "articles", "<layer>/<label>"} -> count


def features() -> Features:
    return Features(
        {
            "id": Value("string"),
            "doc_id": Value("string"),
            "source": Value("string"),
            "tokens": List(Value("string")),
            "starts": List(Value("int32")),
            "ends": List(Value("int32")),
            **{column: List(ClassLabel(names=bio_labels(layer))) for layer, column in TAG_COLUMNS.items()},
            "layers": List(Value("string")),
            "claim_links": List({key: List(Value("int32")) for key in LINK_COLUMNS}),
        }
    )


@dataclass
class Assigned:
    article: Article
    split: str
    repeat: int = 1  # copies of its rows in the split (the source's ``repeat``, train only)


def assign_splits(articles: list[Article], source: SourceConfig, config: RunConfig) -> list[Assigned]:
    """Deterministic by-article split of one source."""
    if source.split in SPLITS:
        splits = [source.split] * len(articles)
    else:
        articles = sorted(articles, key=lambda a: a.id)
        random.Random(f"{config.data.seed}:{source.name}").shuffle(articles)
        n = len(articles)
        n_test = round(n * config.data.test_fraction) if source.split == "auto" else 0
        n_validation = round(n * config.data.validation_fraction)
        splits = ["test" if i < n_test else "validation" if i < n_test + n_validation else "train" for i in range(n)]
    return [Assigned(a, split, source.repeat if split == "train" else 1) for a, split in zip(articles, splits)]


def remove_leaks(assigned: list[Assigned]) -> list[Assigned]:
    """Keep each document in one split: held-out occurrences win over train ones."""
    held_out: dict[str, str] = {}
    for item in assigned:
        if item.split != "train":
            previous = held_out.setdefault(item.article.id, item.split)
            if previous != item.split:
                raise DataError(f"document '{item.article.id}' is assigned to both {previous} and {item.split}")
    kept = [a for a in assigned if a.split != "train" or a.article.id not in held_out]
    if dropped := len(assigned) - len(kept):
        log.info("dropped %d train copies of documents held out for validation/test", dropped)
    return kept


def held_out_ids(config: RunConfig) -> frozenset[str]:
    """Ids of the articles that JSONL and standoff sources put in validation or test (no corpus needed)."""
    ids = set()
    for source in config.data.sources:
        if source.split in ("validation", "test") and source.format in ("jsonl", "standoff"):
            for path in source_files(config, source.path, f"source '{source.name}'", source.obtain):
                ids.update(str(record.get("id")) for _, record in read_json_lines(path, source.encoding))
    return frozenset(ids)


def article_rows(article: Article) -> list[dict]:
    """One row per sentence with word offsets, both tag columns (all ``O`` for a layer not annotated) and
    ``claim_links``: the gold links of its ``QTY`` records (:func:`sentence_links`)."""
    rows = []
    for index, sentence in enumerate(article.sentences):
        tokens = sentence.tokens
        inside = [s for s in article.spans if sentence.start <= s.start and s.end <= sentence.end]
        row = {
            "id": f"{article.id}#{index}",
            "doc_id": article.id,
            "source": article.source,
            "tokens": [t.text for t in tokens],
            "starts": [t.start for t in tokens],
            "ends": [t.end for t in tokens],
            "layers": list(article.layers),
        }
        for layer, column in TAG_COLUMNS.items():
            row[column] = spans_to_bio(tokens, [s for s in inside if s.layer == layer])
        row["claim_links"] = sentence_links(article, tokens)
        rows.append(row)
    return rows


def sentence_links(article: Article, tokens: tuple[Token, ...]) -> list[dict]:
    """The gold links of the linked ``QTY`` records of one sentence, in word indices ``[first, end)``:
    ``{"qty", "entity", "time"}``, ``entity``/``time`` :data:`NO_LINK` when the record links to nothing in
    this sentence (no link, or one inherited from an earlier sentence). Empty for an article whose gold
    names no links (silver, augmented, NER)."""
    index = WordIndex(tokens)

    def words(offsets: tuple[int, int] | None) -> list[int]:
        found = index.find(*offsets) if offsets else None
        return list(found) if found else list(NO_LINK)

    return [
        {
            "qty": words(qty),
            "entity": NO_LINK if link.entity_inherited else words(link.entity),
            "time": NO_LINK if link.time_inherited else words(link.time),
        }
        for qty, link in sorted(article.links.items())
        if qty[0] in index.first
    ]


def task_splits(dataset: DatasetDict, task: str) -> DatasetDict:
    """The rows whose source annotates the task's layer."""
    return DatasetDict(
        {
            name: part.filter(lambda layers: task in layers, input_columns="layers", keep_in_memory=True) if len(part) else part
            for name, part in dataset.items()
        }
    )


def rows_to_spans(rows: list[dict], layer: str) -> list[Span]:
    """Spans of one layer back from rows with label names in its tag column, in article offsets."""
    column = TAG_COLUMNS[layer]
    spans = []
    for row in rows:
        tokens = [Token(w, s, e) for w, s, e in zip(row["tokens"], row["starts"], row["ends"])]
        spans += bio_to_spans(tokens, row[column], layer)
    return spans


def build_dataset(config: RunConfig) -> DatasetDict:
    if not config.data.sources:
        raise DataError("the config lists no data.sources")
    assigned: list[Assigned] = []
    for source in tqdm(config.data.sources, desc="read sources", unit="source"):
        articles = read_source(config, source)
        log.info("%s: %d articles", source.name, len(articles))
        assigned += assign_splits(articles, source, config)
    by_split: dict[str, list[dict]] = {split: [] for split in SPLITS}
    for item in tqdm(remove_leaks(assigned), desc="sentences", unit="article", mininterval=2):
        by_split[item.split] += article_rows(item.article) * item.repeat
    schema = features()
    return DatasetDict({split: _table(rows, schema) for split, rows in by_split.items()})


def _table(rows: list[dict], schema: Features) -> Dataset:
    if not rows:  # from_list([]) loses the columns, and an empty split must keep them
        return Dataset.from_dict({name: [] for name in schema}, features=schema)
    return Dataset.from_list(rows, features=schema)


def count_labels(dataset: DatasetDict, roles: Mapping[str, str] | None = None) -> Counts:
    """``{split: {"sentences", "tokens", "articles", "<layer>/<label>": entity count}}``; with ``roles``
    (source name -> role), also ``"role/<role>"``: the sentences from the sources of each role."""
    counts = {}
    for split, part in dataset.items():
        row = Counter(sentences=len(part), tokens=sum(len(t) for t in part["tokens"]), articles=len(set(part["doc_id"])))
        if roles is not None:
            row.update(f"role/{roles[source]}" for source in part["source"])
        for layer, column in TAG_COLUMNS.items():
            names = part.features[column].feature.names
            for tags in part[column]:
                for tag in tags:
                    if names[tag].startswith("B-"):
                        row[f"{layer}/{names[tag][2:]}"] += 1
        counts[split] = dict(row)
    return counts


def prepare_data(config: RunConfig, finish: Callable[[Path, Counts], None] | None = None) -> tuple[Path, Counts]:
    """Build the dataset and write it atomically with its config, ``finish(folder, counts)`` (the card)
    called inside the same atomic write; return the folder and the counts (:func:`count_labels`)."""
    dataset = build_dataset(config)
    counts = count_labels(dataset, {source.name: source.role for source in config.data.sources})
    output = config.path(config.data.output)
    if not any(len(part) for part in dataset.values()):
        raise DataError(f"the sources of data.sources hold no sentence; nothing written to {output}")
    with atomic_directory(output) as tmp:
        # datasets cannot load back a split saved with no rows: empty splits are left out, load_prepared restores them
        DatasetDict({split: part for split, part in dataset.items() if len(part)}).save_to_disk(str(tmp))
        if finish is not None:
            finish(tmp, counts)
        save_config(config, tmp)
    return output, counts


def load_prepared(config: RunConfig) -> DatasetDict:
    """The dataset ``prepare_data`` wrote for this config; a clear error when it is not there."""
    path = config.path(config.data.output)
    if not (path / "dataset_dict.json").is_file():
        raise DataError(
            f"no prepared dataset at {path}: run `python -m train data` first with the same config file and data.* "
            "overrides (`make data` builds the default dataset of configs/data.yaml)"
        )
    dataset = load_from_disk(str(path))
    for split in SPLITS:
        if split not in dataset:
            dataset[split] = _table([], features())
    return dataset
