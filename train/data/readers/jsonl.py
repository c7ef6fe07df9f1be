"""The native format: JSONL, one article a line, ``{"id", "text", "spans", "meta"}`` (see data/README.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from train.data.articles import LINK_KEYS, LINKED, Article, DataError, Link, check_links, check_spans
from train.data.spans import Span
from train.io import DEFAULT_ENCODING, check_text, read_lines


def parse_spans(raw: object, where: str, text: str) -> list[Span]:
    """The spans of one record; a span's optional ``text`` must be what its offsets cover in ``text``."""
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
        if "text" in item and text[start:end] != item["text"]:
            raise DataError(f"{where}: span {start}-{end} covers {text[start:end]!r}, but the annotation says {item['text']!r}")
        spans.append(Span(start, end, label, layer))
    return spans


def parse_links(raw: list, where: str, text: str, article_id: str) -> dict[tuple[int, int], Link]:
    """The links of the gold records in the spans ``raw`` (already read by :func:`parse_spans`): a ``QTY`` span
    that carries a ``record`` must name its ``entity`` and ``time`` spans, ``{"start", "end"}`` or null, and
    their ``entity_inherited`` and ``time_inherited`` flags (docs/annotation.md, "Links"); spans without a
    record need none. Whether the linked spans exist is :func:`train.data.articles.check_links`' job."""
    links = {}
    for item in raw:
        if item.get("label") != "QTY" or "record" not in item:
            continue
        start, end, record = item["start"], item["end"], item["record"]
        described = f"{where}: article '{article_id}', span {start}-{end} claims/QTY '{text[start:end]}'"
        if not isinstance(record, dict):
            raise DataError(f"{described}: 'record' must be an object")
        if missing := [key for key in LINK_KEYS if key not in record]:
            raise DataError(
                f"{described}: its record lacks {', '.join(map(repr, missing))}; a gold record names "
                f"{', '.join(LINK_KEYS)} (null where there is none; docs/annotation.md, 'Links')"
            )
        targets = {}
        for key in LINKED:
            target = record[key]
            if target is not None and not (
                isinstance(target, dict)
                and set(target) == {"start", "end"}
                and all(type(target[side]) is int for side in ("start", "end"))
            ):
                raise DataError(f'{described}: its {key} must be null or {{"start": int, "end": int}}, not {target!r}')
            targets[key] = None if target is None else (target["start"], target["end"])
        for flag in ("entity_inherited", "time_inherited"):
            if not isinstance(record[flag], bool):
                raise DataError(f"{described}: its {flag} must be true or false, not {record[flag]!r}")
        links[(start, end)] = Link(targets["entity"], targets["time"], record["entity_inherited"], record["time_inherited"])
    return links


def read_json_lines(path: Path, encoding: str = DEFAULT_ENCODING) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for every non-blank line; malformed JSON names the line, a file in another
    encoding or binary names the file (:func:`train.io.read_text`)."""
    yield from json_records(read_lines(path, encoding), path)


def parse_json(text: str, where: str, *, multiline: bool = False) -> object:
    """``json.loads(text)``, or one :class:`DataError` naming ``where`` and the position (the line too
    when ``text`` is a whole file, ``multiline``)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        position = f"line {error.lineno}, column {error.colno}" if multiline else f"column {error.colno}"
        raise DataError(f"{where}: malformed JSON: {error.msg} ({position})") from None
    except (ValueError, RecursionError) as error:  # an integer of thousands of digits, nesting too deep
        raise DataError(f"{where}: unreadable JSON: {error}") from None


def json_record(line: str, where: str) -> dict:
    """The JSON object of one line, or :class:`DataError` naming ``where`` (``file:line``)."""
    record = parse_json(line, where)
    if not isinstance(record, dict):
        raise DataError(f"{where}: expected a JSON object per line, got {type(record).__name__}")
    return record


def json_records(lines: Iterable[str], path: Path) -> Iterator[tuple[int, dict]]:
    """:func:`read_json_lines` over lines already read from ``path``."""
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield number, json_record(line, f"{path}:{number}")


MAX_ERRORS = 20


def read_articles(path: Path, article_at: Callable[[dict, str], Article], encoding: str = DEFAULT_ENCODING) -> list[Article]:
    """``article_at(record, "file:line")`` for every line of ``path``, its spans checked; the errors of
    all lines are reported together (the first ``MAX_ERRORS``), so one run lists what to fix."""
    return collect_articles(
        ((f"{path}:{number}", f"line {number}", record) for number, record in read_json_lines(path, encoding)), article_at
    )


def collect_articles(items: Iterable[tuple[str, str, dict]], article_at: Callable[[dict, str], Article]) -> list[Article]:
    """:func:`read_articles` over ``(where, place, record)`` items: ``where`` prefixes each error
    (``file:line``, ``file: task 7``), ``place`` names the record in a duplicate-id error (``line 3``)."""
    articles: list[Article] = []
    errors: list[str] = []
    first_place: dict[str, str] = {}
    for where, place, record in items:
        try:
            article = article_at(record, where)
            if (seen := first_place.setdefault(article.id, place)) != place:
                raise DataError(f"{where}: article id '{article.id}' is already used on {seen}; ids must be unique in a file")
            check_spans(article, where)
            check_links(article, where)
            articles.append(article)
        except DataError as error:
            errors.append(str(error))
    if errors:
        more = f"\n... and {len(errors) - MAX_ERRORS} more" if len(errors) > MAX_ERRORS else ""
        raise DataError("\n".join(errors[:MAX_ERRORS]) + more)
    return articles


def read_jsonl(path: Path, layers: tuple[str, ...], encoding: str = DEFAULT_ENCODING) -> list[Article]:
    def article_at(record: dict, where: str) -> Article:
        if not isinstance(record.get("id"), str) or not isinstance(record.get("text"), str):
            raise DataError(f"{where}: each article needs a string 'id' and a string 'text'")
        check_text(record["text"], where)
        raw = record.get("spans", [])
        spans = parse_spans(raw, where, record["text"])
        links = parse_links(raw, where, record["text"], record["id"])
        return Article(
            id=record["id"], text=record["text"], spans=spans, layers=layers, meta=record.get("meta") or {}, links=links
        )

    return read_articles(path, article_at, encoding)
