"""doccano sequence-labelling JSONL exports (``format: doccano``), one article a line (see data/README.md).

A line is ``{"text", "label": [[start, end, tag], ...]}`` (or, from a project with relations,
``"entities": [{"start_offset", "end_offset", "label"}]``). doccano has no layers: a tag is one of the
labels of the guidelines, and its layer is the layer that label belongs to (the layers' label sets are
disjoint). doccano counts offsets in UTF-16 code units (its browser front end; doccano issue #2290), so
they are converted to code points; they differ only after a character outside the Basic Multilingual
Plane, such as most emoji. The article id is ``docno`` (written by ``tag --format doccano``), else
doccano's ``id``, else ``file:line``; the other fields of the line become the article's ``meta``.
"""

from __future__ import annotations

from pathlib import Path

from train.data.annotation_formats import layer_of_label, utf16_to_index
from train.data.articles import Article, DataError
from train.data.labels import LAYERS, entity_labels
from train.data.readers.jsonl import collect_articles, read_json_lines
from train.data.readers.standoff import article_id
from train.data.spans import Span
from train.io import DEFAULT_ENCODING, check_text

OWN_FIELDS = ("text", "label", "entities", "docno", "id")


def raw_spans(record: dict, where: str) -> list[tuple[object, object, object]]:
    """``(start, end, tag)`` of a line in either export shape."""
    if "entities" in record:
        entities = record["entities"]
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise DataError(f"{where}: 'entities' must be a list of {{start_offset, end_offset, label}} objects")
        return [(e.get("start_offset"), e.get("end_offset"), e.get("label")) for e in entities]
    labels = record.get("label", [])
    if not isinstance(labels, list) or not all(isinstance(item, list) and len(item) == 3 for item in labels):
        raise DataError(f"{where}: 'label' must be a list of [start, end, tag] triples")
    return [tuple(item) for item in labels]


def doccano_span(text: str, start: object, end: object, tag: object, where: str) -> Span:
    if not (isinstance(start, int) and isinstance(end, int)):
        raise DataError(f"{where}: span {[start, end, tag]!r}: start and end must be integers")
    layer = layer_of_label().get(tag)  # type: ignore[arg-type]
    if layer is None:
        expected = "; ".join(f"{name}: {', '.join(entity_labels(name))}" for name in LAYERS)
        raise DataError(
            f"{where}: span {start}-{end}: unknown label {tag!r} (expected one of {expected}; see docs/annotation.md)"
        )
    try:
        return Span(utf16_to_index(text, start), utf16_to_index(text, end), str(tag), layer)
    except ValueError as error:
        raise DataError(f"{where}: span {start}-{end} {layer}/{tag}: {error}") from None


def read_doccano(path: Path, layers: tuple[str, ...], encoding: str = DEFAULT_ENCODING) -> list[Article]:
    def items():
        for number, record in read_json_lines(path, encoding):
            shown = f" (doccano id {record['id']})" if record.get("id") is not None else ""
            yield f"{path}:{number}{shown}", f"line {number}", record

    def article_at(record: dict, where: str) -> Article:
        text = record.get("text")
        if not isinstance(text, str):
            raise DataError(f"{where}: the line has no text: expected a string 'text' (doccano's JSONL export)")
        check_text(text, where)
        spans = [doccano_span(text, *item, where) for item in raw_spans(record, where)]
        meta = {key: value for key, value in record.items() if key not in OWN_FIELDS}
        doc_id = article_id(record) or f"{Path(path).stem}:{where.rsplit(':', 1)[-1]}"
        return Article(id=doc_id, text=text, spans=spans, layers=layers, meta=meta)

    return collect_articles(items(), article_at)
