"""The native format: JSONL, one article a line, ``{"id", "text", "spans", "meta"}`` (see data/README.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from train.articles import Article, DataError, check_spans
from train.spans import Span


def parse_spans(raw: object, where: str) -> list[Span]:
    if not isinstance(raw, list):
        raise DataError(f"{where}: 'spans' must be a list of {{start, end, label, layer}} objects")
    spans = []
    for item in raw:
        try:
            start, end, label, layer = item["start"], item["end"], item["label"], item["layer"]
        except (KeyError, TypeError):
            raise DataError(f"{where}: span {item!r} needs start, end, label and layer") from None
        if not (isinstance(start, int) and isinstance(end, int)):
            raise DataError(f"{where}: span {item!r}: start and end must be integers")
        spans.append(Span(start, end, label, layer))
    return spans


def read_json_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for every non-blank line; malformed JSON names the line."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataError(f"{path}:{number}: malformed JSON: {error.msg} (column {error.colno})") from None
            if not isinstance(record, dict):
                raise DataError(f"{path}:{number}: expected a JSON object per line")
            yield number, record


def read_jsonl(path: Path, layers: tuple[str, ...]) -> list[Article]:
    articles = []
    for number, record in read_json_lines(path):
        where = f"{path}:{number}"
        if not isinstance(record.get("id"), str) or not isinstance(record.get("text"), str):
            raise DataError(f"{where}: each article needs a string 'id' and a string 'text'")
        article = Article(
            id=record["id"],
            text=record["text"],
            spans=parse_spans(record.get("spans", []), where),
            layers=layers,
            meta=record.get("meta") or {},
        )
        check_spans(article, where)
        articles.append(article)
    return articles
