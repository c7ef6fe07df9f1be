"""Label Studio JSON exports (``format: label-studio``): a JSON list of tasks, labelled with the config
``data/label_studio.xml`` (see data/README.md).

Per task: the text is ``data.text``; the spans come from the newest annotation that is not cancelled
(``was_cancelled``), one per ``labels`` result, the layer being the result's ``from_name`` (``ner`` or
``claims``). A task without such an annotation has not been reviewed and is skipped (a warning counts
them); an annotation without results says "nothing there" in the source's layers. The article id is
``data.id`` (or ``data.docno``), else the task id. Offsets are code points, as in current Label Studio
exports; a result whose ``value.text`` only matches when its offsets are read as UTF-16 code units (older
versions, emoji before it) is converted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from train.data.annotation_formats import TEXT_FIELD, utf16_to_index
from train.data.articles import Article, DataError
from train.data.labels import LAYERS
from train.data.readers.jsonl import collect_articles, parse_json
from train.data.readers.standoff import article_id
from train.data.spans import Span
from train.io import DEFAULT_ENCODING, check_text, read_text

log = logging.getLogger(__name__)


def newest_annotation(task: dict) -> dict | None:
    """The annotation last updated among those not cancelled, or None."""
    kept = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    return max(kept, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0), default=None)


def result_offsets(text: str, value: dict) -> tuple[int, int]:
    """``value.start``/``value.end`` as code points: as given, or read as UTF-16 code units where only
    that makes them cover ``value.text``."""
    start, end, said = value["start"], value["end"], value.get("text")
    if said is None or text[start:end] == said or not any(ord(c) > 0xFFFF for c in text):
        return start, end
    try:
        converted = utf16_to_index(text, start), utf16_to_index(text, end)
    except ValueError:
        return start, end
    return converted if text[converted[0] : converted[1]] == said else (start, end)


def result_span(text: str, result: dict, where: str) -> Span:
    value = result.get("value")
    layer = result.get("from_name")
    if layer not in LAYERS:
        raise DataError(
            f"{where}: a result of control '{layer}': expected one of {', '.join(LAYERS)} "
            "(label with the config data/label_studio.xml)"
        )
    if not isinstance(value, dict) or not isinstance(value.get("labels"), list) or len(value["labels"]) != 1:
        raise DataError(f"{where}: a {layer} result needs value.labels with exactly one label, got {value!r}")
    if not (isinstance(value.get("start"), int) and isinstance(value.get("end"), int)):
        raise DataError(f"{where}: a {layer} result needs integer value.start and value.end, got {value!r}")
    start, end = result_offsets(text, value)
    said = value.get("text")
    if said is not None and 0 <= start < end <= len(text) and text[start:end] != said:
        raise DataError(
            f"{where}: {layer} span {start}-{end} covers {text[start:end]!r}, but Label Studio says {said!r} "
            "(was data.text changed after labelling?): label the region again in Label Studio and export anew"
        )
    return Span(start, end, value["labels"][0], layer)


def task_text(task: dict) -> str | None:
    data = task.get("data")
    return data[TEXT_FIELD] if isinstance(data, dict) and isinstance(data.get(TEXT_FIELD), str) else None


def task_article(task: dict, where: str, layers: tuple[str, ...]) -> Article:
    """The article of one task that has an annotation (``where`` prefixes the errors)."""
    if not isinstance(task, dict):
        raise DataError(f"{where}: expected a task object, got {type(task).__name__}")
    text = task_text(task)
    if text is None:
        raise DataError(
            f"{where}: the task has no text: expected a string data.{TEXT_FIELD} (import tasks as "
            f'{{"data": {{"{TEXT_FIELD}": ...}}}}, the field the labeling config reads)'
        )
    check_text(text, where)
    annotation = newest_annotation(task) or {}
    results = [r for r in annotation.get("result") or [] if isinstance(r, dict) and r.get("type", "labels") == "labels"]
    spans = [result_span(text, result, where) for result in results]
    meta: dict = {"label_studio": {"task": task.get("id"), "annotation": annotation.get("id")}}
    if annotation.get("completed_by") is not None:
        meta["annotator"] = annotation["completed_by"]
    return Article(id=article_id(task["data"]) or str(task.get("id")), text=text, spans=spans, layers=layers, meta=meta)


def read_label_studio(path: Path, layers: tuple[str, ...], encoding: str = DEFAULT_ENCODING) -> list[Article]:
    tasks = parse_json(read_text(path, encoding), str(path), multiline=True)
    if not isinstance(tasks, list):
        raise DataError(f"{path}: expected a JSON list of tasks (Label Studio: Export, format JSON)")
    skipped = []

    def items() -> Iterator[tuple[str, str, dict]]:
        for number, task in enumerate(tasks, 1):
            task_id = task.get("id", f"#{number}") if isinstance(task, dict) else f"#{number}"
            if isinstance(task, dict) and task_text(task) is not None and newest_annotation(task) is None:
                skipped.append(task_id)  # not reviewed: neither trained on nor an error
            else:
                yield f"{path}: task {task_id}", f"task {task_id}", task

    articles = collect_articles(items(), lambda task, where: task_article(task, where, layers))
    if skipped:
        log.warning(
            "%s: %d tasks without an annotation that is not cancelled skipped (tasks %s)",
            path,
            len(skipped),
            ", ".join(map(str, skipped[:10])) + (" ..." if len(skipped) > 10 else ""),
        )
    return articles
