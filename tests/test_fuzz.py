"""Fuzzing: any text (Arabic letters and marks, digits in three scripts, number and time words,
punctuation, whitespace, Latin, invisible marks) through the normalizer and the rule tagger, and
corrupted JSONL and CoNLL lines through the readers.

Properties: :func:`parse_quantity` returns a valid record (or all nulls) and never raises; the rule
tagger ends and its spans pass :func:`train.data.articles.check_spans` (inside the text, on word
boundaries, within a sentence, no overlap in the layer); its records point at their text; a
corrupted line is a :class:`DataError` naming the file and line, never a traceback.

The fast suite runs the default profile; the ``slow`` tests rerun each property with the ``long``
profile (tests/conftest.py; ``HYPOTHESIS_PROFILE=long`` applies it to every property test).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from train.claims.lexicon import FRACTIONS, HUNDREDS, SCALE_ALONE, TENS, UNITS, VAGUE
from train.claims.linking import claim_records, read_claims
from train.claims.quantity import parse_quantity
from train.claims.record import Quantity
from train.claims.rules import find_claims
from train.data.articles import Article, DataError, check_spans
from train.data.readers import read_conll, read_jsonl
from train.data.text import DIACRITICS, DIGIT_SCRIPTS
from train.inference.tagger import _read_file

LONG = settings.get_profile("long")
FILES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # tmp_path is reused: each example rewrites it
FILES_LONG = settings(LONG, suppress_health_check=[HealthCheck.function_scoped_fixture])

WORDS = sorted(
    set(UNITS) | set(TENS) | set(HUNDREDS) | set(SCALE_ALONE) | set(VAGUE) | set(FRACTIONS)
    | {"نحو", "أكثر", "من", "بين", "و", "إلى", "حتى", "في", "المئة", "بالمئة", "دولار", "يوما", "سنوات", "عام"}
    | {"منذ", "خلال", "قبل", "يوم", "الخميس", "مايو", "العام", "الماضي", "شخص", "مقاتلا", "الأطفال", "لست", "ألّف"}
)  # fmt: skip
LETTERS = "".join(chr(c) for c in range(0x0621, 0x064B)) + "ـ"
MARKS = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"
PUNCTUATION = ".,،؛;:!?؟-–—/%٪$€£()[]«»\"'+*"
WHITESPACE = " \n\t\r\u00a0\u2028"
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2066\u2069\ufeff"
CHARS = LETTERS + MARKS + "".join(DIGIT_SCRIPTS) + PUNCTUATION + WHITESPACE + INVISIBLE + "abcXYZ٫٬"
assert set(MARKS) <= set(re.findall(f"[{DIACRITICS}]", MARKS))


def _digits(script: str) -> st.SearchStrategy[str]:
    return st.integers(0, 10**7).map(lambda n: "".join(script[int(d)] for d in str(n)))


PIECE = st.one_of(
    st.sampled_from(WORDS),
    st.one_of(*map(_digits, DIGIT_SCRIPTS)),
    st.text(st.sampled_from(CHARS), min_size=1, max_size=6),
    st.sampled_from(list(PUNCTUATION + INVISIBLE)),
)
SEPARATOR = st.sampled_from([" ", " ", " ", "", "\n", "، ", ". ", "-", "\u200e"])


def texts(max_pieces: int) -> st.SearchStrategy[str]:
    """Mixed-script text of up to ``max_pieces`` pieces (a few thousand characters at 400)."""
    return st.lists(st.tuples(PIECE, SEPARATOR), max_size=max_pieces).map(lambda parts: "".join(p + s for p, s in parts))


# The normalizer ------------------------------------------------------------------------------------


def check_quantity(text: str, context: str) -> None:
    q = parse_quantity(text, context_after=context)
    assert isinstance(q, Quantity)
    record = q.to_dict()
    json.dumps(record, allow_nan=False)
    numbers = [v for v in (q.value, q.lower, q.upper) if v is not None]
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in numbers)
    if not numbers:
        assert q.kind is None and q.unit is None and q.currency is None, record
        return
    assert q.kind in ("count", "percent", "money", "measure", "fraction"), record
    assert (q.lower_inclusive is None) == (q.lower is None) and (q.upper_inclusive is None) == (q.upper is None), record
    if q.value is not None:
        assert q.lower is None and q.upper is None, record
    if q.lower is not None and q.upper is not None:
        assert q.lower <= q.upper, record


@given(texts(12), texts(6))
def test_parse_quantity_gives_a_valid_record_or_nulls(text: str, context: str) -> None:
    check_quantity(text, context)


@pytest.mark.slow
@LONG
@given(texts(60), texts(60))
def test_parse_quantity_gives_a_valid_record_or_nulls_long(text: str, context: str) -> None:
    check_quantity(text, context)


# The rule tagger -----------------------------------------------------------------------------------


def check_tagger(text: str) -> None:
    spans = find_claims(text)
    if text.strip():
        check_spans(Article(id="fuzz", text=text, spans=spans, layers=("claims",)), "fuzz")
    else:
        assert spans == []
    kept, records = read_claims(text, spans)
    assert records == claim_records(text, kept)
    for record in records:
        assert text[record["start"] : record["end"]] == record["text"]
        assert record["sentence_start"] <= record["start"] < record["end"] <= record["sentence_start"] + len(record["sentence"])
        for key in ("entity", "time"):
            if record[key] is not None:
                assert text[record[f"{key}_start"] : record[f"{key}_end"]] == record[key]


@settings(max_examples=60)
@given(texts(80))
def test_rule_tagger_spans_index_whole_words_without_overlap(text: str) -> None:
    check_tagger(text)


@pytest.mark.slow
@LONG
@given(texts(400))
def test_rule_tagger_spans_index_whole_words_without_overlap_long(text: str) -> None:
    check_tagger(text)


# The readers ----------------------------------------------------------------------------------------

GOOD_JSONL = [
    {"id": "a1", "text": "غادر نحو 6500 شخص المنطقة.", "spans": [{"start": 5, "end": 13, "label": "QTY", "layer": "claims"}]},
    {"id": "a2", "text": "وصل مئات اللاجئين إلى لبنان.", "spans": []},
    {"id": "a3", "text": "قال المتحدث إن 40 شخصا قتلوا.", "spans": [{"start": 15, "end": 17, "label": "QTY", "layer": "claims"}]},
]
GOOD_CONLL = ["وصل O", "مئات O", "اللاجئين O", "إلى O", "لبنان B-LOC", "", "قال O", "المتحدث O", ""]
CORRUPTION = st.one_of(
    st.binary(max_size=12),
    st.text(st.sampled_from(CHARS + '{}[]":0123456789'), max_size=12).map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"\xff", b"\xc7", b"\x00", b"\xed\xa0\x80", b'"\\ud800"', b"[" * 3000, b"1" * 5000, b"-", b" B-", b"\n"]),
)


def corrupt(lines: list[bytes], line: int, at: int, cut: bool, junk: bytes) -> bytes:
    """The file's bytes with ``junk`` put into line ``line`` at ``at`` (replacing the rest when ``cut``)."""
    target = lines[line % len(lines)]
    at %= len(target) + 1
    lines = list(lines)
    lines[line % len(lines)] = target[:at] + junk + (b"" if cut else target[at:])
    return b"\n".join(lines) + b"\n"


def check_reader(path: Path, read) -> None:
    try:
        read(path)
    except DataError as error:
        assert re.search(rf"{re.escape(str(path))}(:\d+)?: ", str(error)), str(error)
        assert f"{path}:" in str(error) or str(error).startswith(f"{path}: ")


CORRUPTED = dict(line=st.integers(0, 20), at=st.integers(0, 200), cut=st.booleans(), junk=CORRUPTION)


def check_readers(tmp_path: Path, line: int, at: int, cut: bool, junk: bytes) -> None:
    jsonl = tmp_path / "fuzz.jsonl"
    jsonl.write_bytes(corrupt([json.dumps(r, ensure_ascii=False).encode() for r in GOOD_JSONL], line, at, cut, junk))
    check_reader(jsonl, lambda p: read_jsonl(p, ("claims",)))
    check_reader(jsonl, _read_file)  # tag: a bad line is skipped, a bad file raises
    conll = tmp_path / "fuzz.conll"
    conll.write_bytes(corrupt([c.encode() for c in GOOD_CONLL], line, at, cut, junk))
    check_reader(conll, read_conll)


@FILES
@given(**CORRUPTED)
def test_a_corrupted_line_is_an_error_naming_file_and_line(tmp_path: Path, line: int, at: int, cut: bool, junk: bytes) -> None:
    check_readers(tmp_path, line, at, cut, junk)


@pytest.mark.slow
@FILES_LONG
@given(**CORRUPTED)
def test_a_corrupted_line_is_an_error_naming_file_and_line_long(
    tmp_path: Path, line: int, at: int, cut: bool, junk: bytes
) -> None:
    check_readers(tmp_path, line, at, cut, junk)
