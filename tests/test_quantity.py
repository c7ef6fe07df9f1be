"""The quantity normalizer against the guidelines' conventions: a fixture table of expressions with
their full expected records, properties over digit numbers, and unreadable input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from train.claims.quantity import parse_quantity
from train.claims.record import Quantity

FIXTURE = Path(__file__).parent / "fixtures" / "quantities.tsv"
FIELDS = ["value", "lower", "upper", "lower_inclusive", "upper_inclusive", "approx", "vague", "kind", "unit", "currency"]


def _rows() -> list[tuple[str, dict]]:
    lines = FIXTURE.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    assert header == ["text", *FIELDS]
    rows = []
    for line in lines[1:]:
        if line:
            text, *cells = line.split("\t")
            rows.append((text, dict(zip(FIELDS, map(json.loads, cells), strict=True))))
    return rows


ROWS = _rows()


def test_fixture_is_large_and_unique() -> None:
    texts = [text for text, _ in ROWS]
    assert len(texts) >= 150
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(("text", "expected"), ROWS, ids=[f"{i}:{t}" for i, (t, _) in enumerate(ROWS)])
def test_fixture_record(text: str, expected: dict) -> None:
    record = parse_quantity(text).to_dict()
    assert record == expected
    # int when integral: 60000 must not come back as 60000.0
    for key in ("value", "lower", "upper"):
        assert type(record[key]) is type(expected[key])


def test_to_dict_keys_in_order() -> None:
    assert list(Quantity().to_dict()) == FIELDS


def test_ambiguous_fifth_reads_by_what_follows() -> None:
    assert parse_quantity("خمس").to_dict()["value"] == 0.2
    assert parse_quantity("خمس", context_after=" السكان").value == 0.2
    five = parse_quantity("خمس", context_after=" سنوات")
    assert (five.value, five.kind) == (5, "count")
    assert parse_quantity("عشر", context_after=" دقائق").value == 10
    assert parse_quantity("خمس", context_after=" بالمئة").value == 5


SCRIPTS = {"ascii": "0123456789", "arabic-indic": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹"}


def _write(n: int, digits: str, separator: str) -> str:
    text = f"{n:,}".replace(",", separator) if separator else str(n)
    return text.translate(str.maketrans("0123456789", digits))


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("separator", ["", ",", "٬"])
@given(n=st.integers(min_value=0, max_value=10**15))
def test_digit_integers_read_back(script: str, separator: str, n: int) -> None:
    text = _write(n, SCRIPTS[script], separator)
    q = parse_quantity(text)
    assert q.value == n and type(q.value) is int, text
    assert (q.lower, q.upper, q.kind, q.approx, q.vague) == (None, None, "count", False, False)


@given(n=st.integers(min_value=1, max_value=999), script=st.sampled_from(sorted(SCRIPTS)))
def test_digit_integer_times_scale(n: int, script: str) -> None:
    assert parse_quantity(_write(n, SCRIPTS[script], "") + " ألف").value == n * 1000
    assert parse_quantity("نحو " + _write(n, SCRIPTS[script], "") + " مليون").value == n * 10**6


@pytest.mark.parametrize("text", ["أعداد كبيرة", "كبيرة جدا", "the end", "???", "من 50 إلى 40", "٫", "2014 عام"])
def test_unreadable_gives_nulls(text: str) -> None:
    q = parse_quantity(text)
    assert (q.value, q.lower, q.upper, q.kind) == (None, None, None, None)


@given(st.text(max_size=40))
def test_never_raises(text: str) -> None:
    q = parse_quantity(text)
    assert q.value is None or isinstance(q.value, (int, float))


@given(
    st.lists(
        st.sampled_from(
            [
                "نحو",
                "أكثر",
                "من",
                "بين",
                "و",
                "إلى",
                "ألف",
                "آلاف",
                "مليون",
                "ثلاثة",
                "عشر",
                "خمس",
                "نصف",
                "مئات",
                "عشرات",
                "12",
                "1.5",
                "٣",
                "%",
                "بالمئة",
                "دولار",
                "-",
                "ونصف",
                "ألفين",
                "في",
                "المئة",
                "حتى",
                "ونيف",
            ]
        ),
        max_size=7,
    )
)
def test_never_raises_on_number_like_words(words: list[str]) -> None:
    parse_quantity(" ".join(words))


INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"


@given(
    text=st.sampled_from(
        [
            "نحو 40 بالمئة",
            "أكثر من ألفي",
            "لعشرين يوماً",
            "80.25 دولار للبرميل",
            "1,250,000",
            "بين 10 و12 ألف",
            "ثلاثة آلاف وخمسمائة",
            "35 سنتا",
            "مئات",
        ]
    ),
    marks=st.lists(st.tuples(st.integers(min_value=0, max_value=40), st.sampled_from(INVISIBLE)), max_size=4),
)
def test_invisible_format_characters_are_ignored(text: str, marks: list[tuple[int, str]]) -> None:
    marked = text
    for at, mark in sorted(marks, reverse=True):
        marked = marked[:at] + mark + marked[at:]
    assert parse_quantity(marked) == parse_quantity(text)


def test_invisible_characters_in_context_are_ignored() -> None:
    five = parse_quantity("خمس", context_after=" \u200eسنوات")
    assert (five.value, five.kind) == (5, "count")
    assert parse_quantity("خمس", context_after=" \u200fالسكان").value == 0.2


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("ثلاثون شخصا", 30, "count"),
        ("17 عنصرا من الشرطة", 17, "count"),
        ("مئات من المدنيين", None, "count"),
        ("ما يزيد على 40 مليون دولار سنويا", None, "money"),
        ("نصف مليون نسمة", 500000, "count"),
        ("12 درجة تحت الصفر", 12, "measure"),
    ],
)
def test_leading_part_read_when_the_rest_names_what_is_counted(text: str, value, kind: str) -> None:
    q = parse_quantity(text)
    assert (q.value, q.kind) == (value, kind)
    assert q.value is not None or q.lower is not None


@pytest.mark.parametrize("text", ["2019 عام", "ربع السكان", "30 شخصا و40", "9 - أشخاص", "20عنصرا"])
def test_leading_part_not_read_before_a_definite_word_a_year_or_symbols(text: str) -> None:
    q = parse_quantity(text)
    assert (q.value, q.lower, q.upper, q.kind) == (None, None, None, None)
