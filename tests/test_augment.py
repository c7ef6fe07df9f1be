"""Mention replacement for the silver claims: shapes, redrawn digits, kinds kept, rule labels, held-out
articles left out, and the augmented file that ``write_silver`` writes."""

from __future__ import annotations

import json
import random
from pathlib import Path

from test_silver import ARTICLES, _corpus

from train.claims.augment import augment, group, index_quantities, redraw_digits, replace_mention, shape
from train.claims.quantity import parse_quantity
from train.claims.rules import find_claims
from train.claims.silver import write_silver
from train.data.readers import read_jsonl
from train.data.spans import Span

TEXTS = [
    "صادرت السلطات 42 كلغ من المواد المتفجرة.",
    "بلغت قيمة الصفقة نحو 3.5 مليون دولار.",
    "ارتفعت الأسعار بنسبة ٢٠ في المئة.",
    "قتل 25 شخصا في الهجوم.",
    "قطعت السيارة 300 كيلومتر في يوم واحد.",
]


def _articles() -> list[tuple[str, str, list[Span]]]:
    return [(f"D-{i}", text, find_claims(text)) for i, text in enumerate(TEXTS)]


def test_shape_and_redrawn_digits_keep_script_and_words() -> None:
    assert shape("بين 10 و12 ألف دولار") == "بين # و# ألف دولار"
    rng = random.Random(0)
    for expression in ("نحو 6500 شخص", "٢٠ في المئة", "1,250,000 دولار", "۳۵ کیلو"):
        drawn = redraw_digits(expression, rng)
        assert shape(drawn) == shape(expression)
        assert [c.isdigit() for c in drawn] == [c.isdigit() for c in expression]
        for old, new in zip(expression, drawn):
            if old.isdigit():
                assert ("0" <= old <= "9") == ("0" <= new <= "9") and ("٠" <= old <= "٩") == ("٠" <= new <= "٩")


def test_pool_groups_rule_quantities_by_kind_and_shape() -> None:
    pool, _ = index_quantities(_articles())
    assert pool["measure"] == {
        "كيلوغرام exact": {"# كلغ": ["42 كلغ"]},
        "كيلومتر exact": {"# كيلومتر": ["300 كيلومتر"]},
        "يوم exact": {"يوم واحد": ["يوم واحد"]},  # one of a unit (issue #21): في يوم واحد
    }
    assert pool["money"] == {"دولار approx": {"نحو #.# مليون دولار": ["نحو 3.5 مليون دولار"]}}
    assert pool["percent"] == {"% exact": {"# في المئة": ["٢٠ في المئة"]}}


def test_groups_name_unit_and_modifier() -> None:
    cases = {
        "أكثر من 20 طنا": "طن gt",
        "ما لا يقل عن 5": "None ge",
        "بين 10 و12 في المئة": "% range",
        "عشرات": "None vague",
        "حتى 30 دولارا": "دولار le",
        "دون 4": "None lt",
    }
    for expression, expected in cases.items():
        assert group(parse_quantity(expression)) == expected, expression


def test_replacement_is_labelled_by_the_rule_tagger_or_refused() -> None:
    sentence = "صادرت السلطات 42 كلغ من المواد."
    span = Span(14, 20, "QTY", "claims")
    text, spans = replace_mention(sentence, span, "نحو 300 طن")
    assert text == "صادرت السلطات نحو 300 طن من المواد."
    assert Span(14, 24, "QTY", "claims") in spans
    assert replace_mention(sentence, span, "المواد") is None


def test_augment_keeps_kind_is_seeded_and_labels_match_the_rules() -> None:
    rows = augment(_articles(), 30, seed=1)
    assert len(rows) == 30
    assert rows == augment(_articles(), 30, seed=1)
    assert rows != augment(_articles(), 30, seed=2)
    for row in rows:
        assert row["spans"] == [s.to_dict() for s in find_claims(row["text"])]
        doc = int(row["id"].split("#")[0].split("-")[1])
        carrier_kinds = {parse_quantity(TEXTS[doc][s.start : s.end]).kind for s in find_claims(TEXTS[doc]) if s.label == "QTY"}
        kinds = {parse_quantity(row["text"][s["start"] : s["end"]]).kind for s in row["spans"] if s["label"] == "QTY"}
        assert kinds & carrier_kinds


def test_write_silver_augments_without_held_out_articles(tmp_path: Path) -> None:
    out, augmented = tmp_path / "claims.jsonl", tmp_path / "augmented.jsonl"
    counts = write_silver(_corpus(tmp_path), out, augment=12, augment_path=augmented, held_out=frozenset({"A-3"}), seed=0)
    assert counts["augmented"] == 12
    articles = read_jsonl(augmented, ("claims",))
    assert len(articles) == 12
    assert all(a.id.startswith("A-1#aug") for a in articles)  # A-2 has no QTY, A-3 is held out
    assert not any("المئة" in a.text for a in articles)  # A-3's percent never enters the pool
    assert ARTICLES[2]["docno"] == "A-3"
    assert len(json.loads(out.read_text(encoding="utf-8").splitlines()[0])["spans"]) == 4
