"""Annotation tools both ways: ``tag`` output as Label Studio pre-annotations or doccano JSONL, and
the shared pieces of the readers that take their exports back as a source (``train/data/readers/``).

* Label Studio: the labeling config (:func:`label_studio_config`, committed as
  ``data/label_studio.xml``) has one ``Labels`` control per layer (``ner``, ``claims``) over
  ``<Text name="text" value="$text"/>``; a task is ``{"data": {"text", "id"}, "predictions": [...]}``.
* doccano: one JSONL line per article, ``{"text", "label": [[start, end, tag]], "docno"}``; doccano
  has no layers, so the layer of a span is the layer its label belongs to (the label sets of the
  layers are disjoint).

Offsets: the project counts Unicode code points (Python ``str`` indices). Label Studio's export does
too, but older versions and its browser selection count UTF-16 code units, where a character outside
the Basic Multilingual Plane (most emoji) counts 2; :func:`utf16_to_index` converts.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

from train.data.labels import LAYERS, entity_labels
from train.data.spans import Span
from train.io import atomic_write_jsonl, atomic_write_text

log = logging.getLogger(__name__)

JSONL, LABEL_STUDIO, DOCCANO = "jsonl", "label-studio", "doccano"
OUTPUT_FORMATS = (JSONL, LABEL_STUDIO, DOCCANO)
TEXT_FIELD = "text"  # the Text tag's name and the task field ($text) in the labeling config
COLORS = {
    "PERS": "#f28e2b",
    "LOC": "#4e79a7",
    "ORG": "#59a14f",
    "MISC": "#b07aa1",
    "QTY": "#e15759",
    "ENT": "#76b7b2",
    "TIME": "#edc948",
}
LABEL_STUDIO_CONFIG = Path(__file__).resolve().parents[2] / "data" / "label_studio.xml"


def label_studio_config() -> str:
    """The Label Studio labeling config: one ``Labels`` control per layer, named as the layer."""
    lines = ["<View>"]
    for layer in LAYERS:
        lines.append(f'  <Labels name="{layer}" toName="{TEXT_FIELD}">')
        lines += [
            f"    <Label value={quoteattr(label)} background={quoteattr(COLORS.get(label, '#bab0ac'))}/>"
            for label in entity_labels(layer)
        ]
        lines.append("  </Labels>")
    lines.append(f'  <Text name="{TEXT_FIELD}" value="${TEXT_FIELD}"/>')
    lines.append("</View>")
    return "\n".join(lines) + "\n"


@functools.cache
def layer_of_label() -> dict[str, str]:
    """``{label: layer}`` over all layers; a label in two layers would make doccano's tags ambiguous."""
    found: dict[str, str] = {}
    for layer in LAYERS:
        for label in entity_labels(layer):
            if label in found:
                raise RuntimeError(f"label {label} is in layers {found[label]} and {layer}: doccano tags would be ambiguous")
            found[label] = layer
    return found


def utf16_to_index(text: str, units: int) -> int:
    """The code-point index at ``units`` UTF-16 code units into ``text``. Past the end of ``text`` the
    excess is kept (so a range check still fails); inside a surrogate pair is a ``ValueError``."""
    count = 0
    for index, char in enumerate(text):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
        if count > units:
            raise ValueError(f"UTF-16 offset {units} falls inside the character {char!r} at {index}")
    return len(text) + units - count


def index_to_utf16(text: str, index: int) -> int:
    """The UTF-16 code units before code point ``index`` of ``text``."""
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)


def record_spans(record: dict) -> list[tuple[Span, float | None]]:
    """The spans of one ``tag`` record with their scores: its entities, and of each claim the ``QTY``
    and the ``ENT`` and ``TIME`` linked to it (a ``TIME`` shared by several claims once). Entities and
    claims carry a ``score`` where the tagger gave one (the rules give none), linked ``ENT``/``TIME``
    their ``entity_score``/``time_score``. ``ENT`` and ``TIME`` spans that no claim links to are not in
    the record, so not here either."""
    found: dict[Span, float | None] = {}
    for entity in record.get("entities", []):
        found[Span(entity["start"], entity["end"], entity["label"], "ner")] = entity.get("score")
    for claim in record.get("claims", []):
        found[Span(claim["start"], claim["end"], "QTY", "claims")] = claim.get("score")
        for label, key in (("ENT", "entity"), ("TIME", "time")):
            if claim.get(f"{key}_start") is not None:
                found.setdefault(Span(claim[f"{key}_start"], claim[f"{key}_end"], label, "claims"), claim.get(f"{key}_score"))
    return sorted(found.items(), key=lambda item: item[0])


def model_version(ner: str | None, claims: str | None) -> str:
    """What tagged: each model as its folder name (the run's name for ``runs/NAME/model``; a hub id
    whole), ``rules`` for claims without a model, e.g. ``ner=mini claims=rules``."""

    def name(model: str | None) -> str:
        if not model:
            return "rules"
        path = Path(model)
        if not path.exists():
            return model
        path = path.resolve()
        return path.parent.name if path.name == "model" else path.name

    return (f"ner={name(ner)} " if ner else "") + f"claims={name(claims)}"


def label_studio_task(article_id: str, text: str, record: dict, version: str) -> dict:
    """One Label Studio task with the record's spans as a prediction (offsets in code points)."""
    results, scores = [], []
    for number, (span, score) in enumerate(record_spans(record)):
        result = {
            "id": f"{span.layer}-{number}",
            "from_name": span.layer,
            "to_name": TEXT_FIELD,
            "type": "labels",
            "value": {"start": span.start, "end": span.end, "text": text[span.start : span.end], "labels": [span.label]},
        }
        if score is not None:
            result["score"] = score
            scores.append(score)
        results.append(result)
    prediction: dict = {"model_version": version, "result": results}
    if scores:
        prediction["score"] = round(sum(scores) / len(scores), 4)
    return {"data": {TEXT_FIELD: text, "id": article_id}, "predictions": [prediction]}


def doccano_line(article_id: str, text: str, record: dict) -> dict:
    """One doccano JSONL record: the spans as ``[start, end, label]`` in UTF-16 code units, as doccano
    counts (the layer follows from the label)."""
    spans = [[index_to_utf16(text, s.start), index_to_utf16(text, s.end), s.label] for s, _ in record_spans(record)]
    return {"text": text, "label": spans, "docno": article_id}


def write_tagged(
    output_format: str, articles: Sequence[tuple[str, str]], records: list[dict], output: str | None, version: str
) -> None:
    """``tag`` records of ``(id, text)`` articles in an annotation tool's import format, to ``output``
    or standard output: Label Studio a JSON list of tasks, doccano JSONL."""
    if output_format == LABEL_STUDIO:
        tasks = [label_studio_task(i, text, r, version) for (i, text), r in zip(articles, records, strict=True)]
        content = "[\n" + ",\n".join(json.dumps(task, ensure_ascii=False) for task in tasks) + "\n]\n"  # a task a line
        if output:
            atomic_write_text(Path(output), content)
        else:
            sys.stdout.write(content)
    else:
        lines = [doccano_line(i, text, r) for (i, text), r in zip(articles, records, strict=True)]
        if output:
            atomic_write_jsonl(Path(output), lines)
        else:
            sys.stdout.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if output:
        log.info("%d articles as %s -> %s", len(records), output_format, output)
