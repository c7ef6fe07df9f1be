"""Readers turn each configured source into :class:`~train.data.articles.Article` objects."""

from __future__ import annotations

from pathlib import Path

from train.config import RunConfig, SourceConfig
from train.data.articles import Article, DataError
from train.data.readers.conll import read_conll
from train.data.readers.doccano import read_doccano
from train.data.readers.jsonl import read_jsonl
from train.data.readers.label_studio import read_label_studio
from train.data.readers.standoff import read_standoff
from train.io import read_lines, read_text

ANNOTATION_TOOLS = {"label-studio": read_label_studio, "doccano": read_doccano}


def source_files(config: RunConfig, template: str, what: str, obtain: str = "") -> list[Path]:
    """The files a path or glob names; a missing input is an error that says where to get it."""
    path = config.path(template)
    files = sorted(path.parent.glob(path.name)) if any(c in path.name for c in "*?[") else [path]
    files = [f for f in files if f.is_file()]
    if not files:
        hint = f" Obtain it from: {obtain}." if obtain else ""
        if "{data_root}" in template:
            hint += f" The data root is {config.data_root()} (set data.root or $ARABIC_DATA_ROOT)."
        else:
            hint += " A relative path in a config file starts at its folder; in an override, at the working directory."
        raise DataError(f"{what}: expected {path} but it does not exist.{hint}")
    return files


def read_source(config: RunConfig, source: SourceConfig, *, exhaustive: bool = False) -> list[Article]:
    """The articles of one source; ``exhaustive``: its ``label_map`` must name every CoNLL tag."""
    what = f"source '{source.name}'"
    files = source_files(config, source.path, what, source.obtain)
    layers = tuple(source.layers)
    encoding = source.encoding
    if source.format == "jsonl":
        articles = [a for f in files for a in read_jsonl(f, layers, encoding)]
    elif source.format in ANNOTATION_TOOLS:
        articles = [a for f in files for a in ANNOTATION_TOOLS[source.format](f, layers, encoding)]
    elif source.format == "conll":
        articles = [
            a for f in files for a in read_conll(f, source.block_size, source.label_map, exhaustive=exhaustive, encoding=encoding)
        ]
    else:
        corpus = source_files(config, source.corpus or "", f"{what} (corpus)", source.obtain)
        articles = [a for f in files for a in read_standoff(f, corpus, layers, encoding)]
    for article in articles:
        article.source = source.name
    return articles


__all__ = [
    "Article",
    "DataError",
    "read_conll",
    "read_doccano",
    "read_jsonl",
    "read_label_studio",
    "read_lines",
    "read_source",
    "read_standoff",
    "read_text",
    "source_files",
]
