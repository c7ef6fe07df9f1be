"""write_silver on a tiny corpus: one standoff line per article, hashes of the texts, spans that
point at the tagged words, counts per label, and an atomic write."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from train.claims.rules import find_claims
from train.claims.silver import listed_ids, write_silver
from train.config import load_config
from train.errors import DataError

ARTICLES = [
    {
        "docno": "A-1",
        "src": "test",
        "cat": "news",
        "title": "t1",
        "text": "قتل 25 شخصا في الهجوم يوم الأحد. وأصيب نحو 6500 آخرين.",
    },
    {"docno": "A-2", "src": "test", "cat": "news", "title": "t2", "text": "صدر القانون في عام 2014 ."},
    {"docno": "A-3", "src": "test", "cat": "news", "title": "t3", "text": "ارتفعت الأسعار بنسبة 20 في المئة في الشهر الماضي."},
]


def _corpus(tmp_path: Path) -> list[Path]:
    first, second = tmp_path / "ant-00.jsonl", tmp_path / "ant-01.jsonl"
    first.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES[:2]), encoding="utf-8")
    second.write_text(json.dumps(ARTICLES[2], ensure_ascii=False) + "\n\n", encoding="utf-8")
    return [first, second]


def test_write_silver_lines_hashes_and_counts(tmp_path: Path) -> None:
    out = tmp_path / "silver" / "claims.jsonl"
    counts = write_silver(_corpus(tmp_path), out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["A-1", "A-2", "A-3"]
    for line, article in zip(lines, ARTICLES, strict=True):
        text = article["text"]
        assert set(line) == {"id", "corpus", "text_sha256", "spans"}
        assert line["corpus"] == "ant-news"
        assert line["text_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert line["spans"] == [s.to_dict() for s in find_claims(text)]
    spans = lines[0]["spans"]
    text = ARTICLES[0]["text"]
    assert [(s["label"], text[s["start"] : s["end"]]) for s in spans] == [
        ("QTY", "25"),
        ("ENT", "شخصا"),
        ("TIME", "يوم الأحد"),
        ("QTY", "نحو 6500"),
    ]
    assert all(s["layer"] == "claims" for s in spans)
    assert lines[1]["spans"] == []
    assert counts == {"QTY": 3, "ENT": 2, "TIME": 2}  # الأسعار, what the percentage measures
    assert [p.name for p in out.parent.iterdir()] == ["claims.jsonl"]  # no temp file left behind


def test_write_silver_limit_and_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    out.write_text("stale\n", encoding="utf-8")
    counts = write_silver(_corpus(tmp_path), out, limit=1)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["A-1"]
    assert counts == {"QTY": 2, "ENT": 1, "TIME": 1}


def test_augment_zero_empties_a_stale_augmented_file(tmp_path: Path) -> None:
    out, augmented = tmp_path / "claims.jsonl", tmp_path / "augmented.jsonl"
    augmented.write_text('{"id": "stale"}\n', encoding="utf-8")
    counts = write_silver(_corpus(tmp_path), out, augment=0, augment_path=augmented)
    assert augmented.read_text(encoding="utf-8") == ""
    assert counts["augmented"] == 0


def test_excluded_articles_are_left_out_of_silver_and_augmentation(tmp_path: Path) -> None:
    out, augmented = tmp_path / "claims.jsonl", tmp_path / "augmented.jsonl"
    write_silver(_corpus(tmp_path), out, excluded=frozenset({"A-1"}), augment=20, augment_path=augmented)
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["A-2", "A-3"]
    sentences = [json.loads(line)["text"] for line in augmented.read_text(encoding="utf-8").splitlines()]
    assert sentences and not any("شخصا" in text or "آخرين" in text for text in sentences)


def test_exclude_lists_read_from_jsonl_and_a_selection(tmp_path: Path) -> None:
    jsonl = tmp_path / "gold.jsonl"
    jsonl.write_text('{"id": "a"}\n{"id": "b"}\n', encoding="utf-8")
    selection = tmp_path / "selection.json"
    selection.write_text(json.dumps({"seed": 1, "blind": {"articles": [{"id": "c"}]}, "train": {"articles": [{"id": "d"}]}}))
    assert listed_ids(jsonl) == {"a", "b"} and listed_ids(selection) == {"c", "d"}
    selection.write_text("[1, 2]")
    with pytest.raises(DataError, match="selection.json: silver.exclude expects"):
        listed_ids(selection)
    selection.write_text(json.dumps({"seed": 1, "blind": {"n": 0}}))
    with pytest.raises(DataError, match="selection.json: names no article; silver.exclude expects"):
        listed_ids(selection)
    jsonl.write_text('{"id": "a"}\n{"docno": "b"}\n', encoding="utf-8")
    with pytest.raises(DataError, match="gold.jsonl:2: no 'id'"):
        listed_ids(jsonl)


def test_the_data_config_keeps_the_new_gold_out_of_silver() -> None:
    config = load_config("configs/data.yaml")
    chosen = listed_ids(config.path(config.silver.exclude[0]))
    assert len(chosen) >= 80
