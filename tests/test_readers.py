"""Each reader on real-format fixtures, and every kind of bad input named with file and line."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from train.data.articles import DataError
from train.data.readers import read_conll, read_jsonl, read_standoff
from train.data.readers.standoff import load_corpus, text_sha256
from train.data.spans import Span

TEXT = "وصل مئات اللاجئين إلى لبنان يوم الخميس."


def write_jsonl(path: Path, *records: dict | str) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records))
    return path


def article(spans: list[dict], text: str = TEXT) -> dict:
    return {"id": "a1", "text": text, "spans": spans, "meta": {}}


def span(sub: str, label: str, layer: str, text: str = TEXT) -> dict:
    start = text.index(sub)
    return {"start": start, "end": start + len(sub), "label": label, "layer": layer}


def test_native_jsonl_fixture(fixtures: Path) -> None:
    articles = read_jsonl(fixtures / "articles.jsonl", ("ner", "claims"))
    assert [a.id for a in articles][:2] == ["fixture-health", "fixture-economy"]
    first = articles[0]
    labels = {(first.text[s.start : s.end], s.label) for s in first.spans}
    assert ("نحو 1200", "QTY") in labels and ("خالد عبد الغفار", "PERS") in labels
    assert len(first.sentences) == 2


def test_native_jsonl_valid_record(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", article([span("لبنان", "LOC", "ner"), span("مئات", "QTY", "claims")]))
    (read,) = read_jsonl(path, ("ner", "claims"))
    assert {s.label for s in read.spans} == {"LOC", "QTY"}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ('{"id": "a1", "text": ', r"a\.jsonl:2: malformed JSON"),
        (article([], text="   "), "empty text"),
        (article([{"start": 0, "end": 500, "label": "LOC", "layer": "ner"}]), "offsets outside the text"),
        (article([{"start": 5, "end": 9, "label": "QTY", "layer": "claims"}]), "boundary inside a word"),
        (article([span("لبنان", "CITY", "ner")]), "unknown label 'CITY'"),
        (article([span("لبنان", "LOC", "entities")]), "unknown layer 'entities'"),
        (article([span("إلى لبنان", "LOC", "ner"), span("لبنان يوم", "ORG", "ner")]), "overlapping ner spans"),
        (article([{"start": 0, "label": "LOC", "layer": "ner"}]), "needs start, end, label and layer"),
        ({"text": TEXT}, "string 'id'"),
        (article([{**span("لبنان", "LOC", "ner"), "text": "بيروت"}]), "covers 'لبنان', but the annotation says 'بيروت'"),
        ({**article([]), "id": "a0"}, "article id 'a0' is already used on line 1"),
    ],
)
def test_native_jsonl_bad_input(tmp_path: Path, record, message: str) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", {**article([]), "id": "a0"}, record)
    with pytest.raises(DataError, match=message) as error:
        read_jsonl(path, ("ner", "claims"))
    assert f"{path}:2" in str(error.value)


def test_layers_may_overlap_each_other(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", article([span("لبنان", "LOC", "ner"), span("إلى لبنان", "TIME", "claims")]))
    assert len(read_jsonl(path, ("ner", "claims"))[0].spans) == 2


def test_span_across_sentences_is_rejected(tmp_path: Path) -> None:
    text = "غادر 50 شخصا. ووصل 20 آخرون."
    path = write_jsonl(tmp_path / "a.jsonl", article([span("شخصا. ووصل", "ENT", "claims", text)], text=text))
    with pytest.raises(DataError, match="crosses a sentence boundary"):
        read_jsonl(path, ("claims",))


def test_conll_anercorp_format_with_repair(fixtures: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        (block,) = read_conll(fixtures / "anercorp-sample.txt")
    assert len(block.sentences) == 3
    found = [(block.text[s.start : s.end], s.label) for s in block.spans]
    assert found == [
        ("اتحاد الكتاب العرب", "ORG"),
        ("دمشق", "LOC"),
        ("محمود درويش", "PERS"),
        ("الأمم المتحدة", "ORG"),
        ("بيروت", "LOC"),
        ("تونس", "LOC"),
        ("الجزائر", "LOC"),
    ]
    assert "repaired 1 I-X tags" in caplog.text


def test_conll_blocks_are_pseudo_articles(fixtures: Path) -> None:
    blocks = read_conll(fixtures / "anercorp-sample.txt", block_size=2)
    assert [len(b.sentences) for b in blocks] == [2, 1]
    assert blocks[1].id == "anercorp-sample-00001"


def test_conll_multi_column_reads_first_column(fixtures: Path, caplog: pytest.LogCaptureFixture) -> None:
    mapping = {"GPE": "LOC", "NORP": "MISC", "OCC": "O", "DATE": "O"}
    with caplog.at_level(logging.WARNING):
        (block,) = read_conll(fixtures / "wojood-sample.txt", label_map=mapping)
    assert [(block.text[s.start : s.end], s.label) for s in block.spans] == [
        ("الأردني", "MISC"),
        ("عمان", "LOC"),
        ("البنك الدولي", "ORG"),
    ]
    assert "first column only" in caplog.text


def test_conll_unknown_label_names_line(fixtures: Path) -> None:
    with pytest.raises(DataError, match=r"wojood-sample.txt:2: unknown label 'OCC'.*label_map"):
        read_conll(fixtures / "wojood-sample.txt")


def test_conll_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("كلمة O\nكلمة\n")
    with pytest.raises(DataError, match=r"bad.txt:2: expected 'token TAG'"):
        read_conll(path)
    path.write_text("كلمة X-LOC\n")
    with pytest.raises(DataError, match=r"bad.txt:1: tag 'X-LOC'"):
        read_conll(path)


def standoff_corpus(tmp_path: Path, text: str = TEXT) -> Path:
    load_corpus.cache_clear()
    return write_jsonl(tmp_path / "corpus.jsonl", {"docno": "DOC-1", "src": "test", "text": text})


def test_standoff_resolves_against_corpus(tmp_path: Path) -> None:
    corpus = standoff_corpus(tmp_path)
    record = {
        "id": "DOC-1",
        "corpus": "test",
        "text_sha256": text_sha256(TEXT),
        "spans": [{**span("مئات", "QTY", "claims"), "text": "مئات"}],
    }
    (read,) = read_standoff(write_jsonl(tmp_path / "ann.jsonl", record), [corpus], ("claims",))
    assert read.text == TEXT
    assert read.spans == [Span(4, 8, "QTY", "claims")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "DOC-9"}, "'DOC-9' is not in the corpus"),
        ({"text_sha256": "0" * 64}, "does not match its text_sha256"),
        ({"spans": [{**span("مئات", "QTY", "claims"), "text": "ألف"}]}, "but the annotation says"),
        ({"spans": [{"start": 4, "end": 6, "label": "QTY", "layer": "claims"}]}, "boundary inside a word"),
    ],
)
def test_standoff_bad_input(tmp_path: Path, change: dict, message: str) -> None:
    corpus = standoff_corpus(tmp_path)
    record = {"id": "DOC-1", "corpus": "test", "text_sha256": text_sha256(TEXT), "spans": [], **change}
    path = write_jsonl(tmp_path / "ann.jsonl", record)
    with pytest.raises(DataError, match=message) as error:
        read_standoff(path, [corpus], ("claims",))
    assert f"{path}:1" in str(error.value)


def test_anercorp_reads_in_full(shared_data: Path) -> None:
    blocks = read_conll(shared_data / "anercorp" / "train.txt")
    assert sum(len(b.sentences) for b in blocks) == 3973
    assert sum(len(s.tokens) for b in blocks for s in b.sentences) == 125102


def test_every_bad_line_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        article([span("لبنان", "CITY", "ner")]),
        {**article([]), "id": "a2"},
        {**article([{"start": 5, "end": 9, "label": "QTY", "layer": "claims"}]), "id": "a3"},
    )
    with pytest.raises(DataError) as error:
        read_jsonl(path, ("ner", "claims"))
    lines = str(error.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:1", f"{path}:3"]
    assert "unknown label 'CITY'" in lines[0] and "boundary inside a word" in lines[1]
