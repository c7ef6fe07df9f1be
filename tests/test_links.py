"""The links of gold claim records (docs/annotation.md, "Links"): read from both gold formats, and every bad
link named with the file, the line, the article and the quantity."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from train.data.articles import DataError, Link
from train.data.readers import read_jsonl, read_standoff
from train.data.readers.standoff import load_corpus, text_sha256

# Paragraph 1 has two lines (three sentences); a blank line opens paragraph 2.
TEXT = "وصل 50 ألف لاجئ إلى لبنان منذ يناير. وغادر 20 ألفا.\nوعاد مئات الأطفال.\n\nوبقي 400 في المخيم."
RECORD = {"value": None, "kind": "count"}  # the normalized fields, which the reader does not read


def at(sub: str) -> dict:
    start = TEXT.index(sub)
    return {"start": start, "end": start + len(sub)}


def span(sub: str, label: str, **record) -> dict:
    item = {**at(sub), "label": label, "layer": "claims", "text": sub}
    if label == "QTY":
        item["record"] = {**RECORD, **record}
    return item


def linked(entity: str | None, time: str | None, entity_inherited: bool = False, time_inherited: bool = False) -> dict:
    return {
        "entity": entity and at(entity),
        "time": time and at(time),
        "entity_inherited": entity_inherited,
        "time_inherited": time_inherited,
    }


SPANS = [
    span("50 ألف", "QTY", **linked("لاجئ", "منذ يناير")),
    span("لاجئ", "ENT"),
    span("منذ يناير", "TIME"),
    span("20 ألفا", "QTY", **linked("لاجئ", "منذ يناير", True, True)),
    span("مئات", "QTY", **linked("الأطفال", "منذ يناير", time_inherited=True)),
    span("الأطفال", "ENT"),
    span("400", "QTY", **linked(None, None)),
]


def write(path: Path, record: dict) -> Path:
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def native(spans: list[dict]) -> dict:
    return {"id": "a1", "text": TEXT, "spans": spans, "meta": {}}


def test_links_are_read_from_a_native_file(tmp_path: Path) -> None:
    (article,) = read_jsonl(write(tmp_path / "a.jsonl", native(SPANS)), ("claims",))
    span_of = {
        name: (at(name)["start"], at(name)["end"])
        for name in ("50 ألف", "20 ألفا", "مئات", "400", "لاجئ", "منذ يناير", "الأطفال")
    }
    assert article.links == {
        span_of["50 ألف"]: Link(span_of["لاجئ"], span_of["منذ يناير"], False, False),
        span_of["20 ألفا"]: Link(span_of["لاجئ"], span_of["منذ يناير"], True, True),
        span_of["مئات"]: Link(span_of["الأطفال"], span_of["منذ يناير"], False, True),
        span_of["400"]: Link(None, None, False, False),
    }


def test_spans_without_records_need_no_links(tmp_path: Path) -> None:
    """A user's own articles (and every tool export) carry no records: they load as before, without links."""
    spans = [{k: v for k, v in item.items() if k != "record"} for item in SPANS]
    (article,) = read_jsonl(write(tmp_path / "a.jsonl", native(spans)), ("claims",))
    assert article.links == {} and len(article.spans) == len(SPANS)


def test_links_are_read_from_a_standoff_file(tmp_path: Path) -> None:
    load_corpus.cache_clear()
    corpus = write(tmp_path / "corpus.jsonl", {"docno": "a1", "text": TEXT})
    record = {"id": "a1", "corpus": "test", "text_sha256": text_sha256(TEXT), "spans": SPANS, "meta": {}}
    (article,) = read_standoff(write(tmp_path / "ann.jsonl", record), [corpus], ("claims",))
    assert len(article.links) == 4
    bad = copy.deepcopy(record)
    bad["spans"][0]["record"]["entity"] = at("لبنان")
    with pytest.raises(DataError, match="is no span of the article"):
        read_standoff(write(tmp_path / "bad.jsonl", bad), [corpus], ("claims",))


def changed(quantity: str, **fields) -> list[dict]:
    spans = copy.deepcopy(SPANS)
    record = next(s["record"] for s in spans if s["text"] == quantity)
    for key, value in fields.items():
        if value is KeyError:
            del record[key]
        else:
            record[key] = value
    return spans


@pytest.mark.parametrize(
    ("quantity", "fields", "message"),
    [
        ("50 ألف", {"entity": at("لبنان")}, r"its entity \d+-\d+ 'لبنان' is no span of the article"),
        ("50 ألف", {"entity": at("منذ يناير")}, "'منذ يناير' is labelled TIME, not ENT"),
        ("50 ألف", {"time": at("لاجئ")}, "'لاجئ' is labelled ENT, not TIME"),
        ("20 ألفا", {"entity_inherited": False}, "'لاجئ' is in another sentence; a link without entity_inherited"),
        ("مئات", {"time_inherited": False}, "'منذ يناير' is in another sentence"),
        ("50 ألف", {"entity_inherited": True}, "'لاجئ' is not in an earlier sentence of the same paragraph"),
        ("50 ألف", {"entity": at("الأطفال"), "entity_inherited": True}, "'الأطفال' is not in an earlier sentence"),
        ("400", {"time": at("منذ يناير"), "time_inherited": True}, "'منذ يناير' is not in an earlier sentence"),
        ("400", {"entity_inherited": True}, "entity_inherited is true but its entity is null"),
        ("مئات", {"time_inherited": KeyError}, "its record lacks 'time_inherited'; a gold record names"),
        ("مئات", {"entity": KeyError, "time": KeyError}, "lacks 'entity', 'time'"),
        ("مئات", {"entity": "الأطفال"}, r"its entity must be null or \{\"start\": int, \"end\": int\}"),
        ("مئات", {"time": {"start": 1}}, "its time must be null or"),
        ("مئات", {"entity_inherited": 1}, "its entity_inherited must be true or false"),
    ],
)
def test_bad_links_name_file_article_and_span(tmp_path: Path, quantity: str, fields: dict, message: str) -> None:
    path = write(tmp_path / "a.jsonl", native(changed(quantity, **fields)))
    with pytest.raises(DataError, match=message) as error:
        read_jsonl(path, ("claims",))
    where = at(quantity)
    assert f"{path}:1: article 'a1', span {where['start']}-{where['end']} claims/QTY '{quantity}'" in str(error.value)


def test_every_gold_record_is_linked(shared_data: Path) -> None:
    """Every gold file loads with its links checked, and every QTY of it carries them (docs/annotation.md): the
    files of the configs and any other one (a new blind file is read here, never tagged)."""
    gold = Path(__file__).resolve().parent.parent / "data" / "gold"
    corpus = sorted((shared_data / "ant-news").glob("*.jsonl"))
    counts = {}
    for path in sorted(gold.glob("*.jsonl")):
        standoff = "corpus" in json.loads(path.read_text(encoding="utf-8").splitlines()[0])
        articles = read_standoff(path, corpus, ("claims",)) if standoff else read_jsonl(path, ("ner", "claims"))
        for article in articles:
            assert set(article.links) == {(s.start, s.end) for s in article.spans if s.label == "QTY"}, article.id
        links = [link for article in articles for link in article.links.values()]
        counts[path.name] = (len(links), sum(link.entity_inherited or link.time_inherited for link in links))
    assert {name: counts[name] for name in ("seed.jsonl", "claims-dev.jsonl", "claims-test.jsonl", "claims-blind.jsonl")} == {
        "seed.jsonl": (17, 0),
        "claims-dev.jsonl": (58, 6),
        "claims-test.jsonl": (137, 9),
        "claims-blind.jsonl": (56, 1),
    }
