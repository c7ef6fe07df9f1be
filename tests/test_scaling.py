"""Linear time on text without sentence punctuation: the work of the rule tagger and the claim records
doubles when the input doubles (counted, not timed), a 100k-character line (1M: slow) is tagged, and
over-long sentences are cut where :func:`train.data.text.split_sentences` documents."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import train.claims.quantity
import train.claims.rules
import train.claims.sentence
import train.data.text
from train.claims.linking import _Nearest, read_claims
from train.claims.quantity import leading_context, parse_quantity
from train.claims.rules import find_claims
from train.data.articles import Article, check_spans
from train.data.spans import Span
from train.data.text import MAX_SENTENCE_WORDS, SENTENCE_END, split_sentences
from train.inference.tagger import Tagger

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_5aed8b592000b0fd.txt"


def unpunctuated(size: int) -> str:
    """``size`` characters of the seed article, repeated, without sentence punctuation or line breaks."""
    text = " ".join("".join(" " if c in SENTENCE_END else c for c in SEED.read_text(encoding="utf-8")).split())
    return ((text + " ") * (size // len(text) + 1))[:size].rsplit(" ", 1)[0]


def _counting(counter: Counter, key: str, measure, function):
    @functools.wraps(function)
    def counted(*args, **kwargs):
        counter[key] += measure(*args)
        return function(*args, **kwargs)

    return counted


def work(monkeypatch: pytest.MonkeyPatch, text: str) -> Counter:
    """Characters tokenized, words lexed and interval gaps computed to tag ``text`` and read its records,
    as one sentence (the 400-word cut lifted: the algorithms themselves must be linear)."""
    counter: Counter = Counter()
    with monkeypatch.context() as patch:
        patch.setattr(train.data.text, "MAX_SENTENCE_WORDS", 10**9)
        for module in (train.data.text, train.claims.quantity):
            patch.setattr(module, "tokenize", _counting(counter, "tokenized", lambda t, *_: len(t), module.tokenize))
        for module in (train.claims.quantity, train.claims.sentence):
            patch.setattr(module, "lex", _counting(counter, "lexed", len, module.lex))
        patch.setattr(train.claims.rules, "_gap", _counting(counter, "gaps", lambda *_: 1, train.claims.rules._gap))
        assert len(split_sentences(text)) == 1
        read_claims(text, find_claims(text))
    return counter


def test_work_doubles_when_an_unpunctuated_text_doubles(monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = work(monkeypatch, unpunctuated(15_000)), work(monkeypatch, unpunctuated(30_000))
    assert set(small) == {"tokenized", "lexed", "gaps"}
    for key in small:
        assert 1.7 < large[key] / small[key] < 2.3, (key, small[key], large[key])


def _tagged_whole(size: int) -> None:
    text = unpunctuated(size)
    [record] = Tagger()([text])
    assert len(record["claims"]) > size // 1000
    spans = find_claims(text)
    check_spans(Article(id="long", text=text, spans=spans, layers=("claims",)), "long line")
    assert all(len(s.tokens) <= MAX_SENTENCE_WORDS for s in split_sentences(text))
    assert all(len(claim["sentence"]) < 10_000 for claim in record["claims"])


def test_a_100k_character_line_without_punctuation_is_tagged() -> None:
    _tagged_whole(100_000)


@pytest.mark.slow
def test_a_1m_character_line_without_punctuation_is_tagged() -> None:
    _tagged_whole(1_000_000)


def test_long_sentences_are_cut_after_a_comma_else_between_words_without_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    words = ["كلمة"] * 1000
    for at in (300, 650):
        words[at] = "،"
    sentences = split_sentences(" ".join(words))
    assert [len(s.tokens) for s in sentences] == [301, 350, 349]
    assert [s.tokens[-1].text for s in sentences[:2]] == ["،", "،"]
    numbers = " ".join(["قتل 20 ألف شخص"] * 250)  # 1000 words, no comma
    sentences = split_sentences(numbers)
    assert all(len(s.tokens) <= MAX_SENTENCE_WORDS for s in sentences) and len(sentences) == 3
    for before, after in zip(sentences, sentences[1:]):
        assert not (before.tokens[-1].text == "20" or after.tokens[0].text == "ألف"), "not inside 20 ألف"
    seed = SEED.read_text(encoding="utf-8")
    monkeypatch.setattr(train.data.text, "MAX_SENTENCE_WORDS", 10**9)
    uncut = split_sentences(seed)
    monkeypatch.undo()
    assert split_sentences(seed) == uncut, "normal text is split as before"


def _brute_nearest(spans: list[Span], qty: Span) -> Span | None:
    """What claim_records did before :class:`_Nearest`: the least (gap, starts before), the first such."""
    if not spans:
        return None
    return min(spans, key=lambda s: (train.claims.rules._gap((s.start, s.end), (qty.start, qty.end)), s.start < qty.start))


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=12),
    st.integers(0, 70),
    st.integers(1, 10),
)
def test_nearest_by_bisection_is_the_nearest_of_all(intervals: list[tuple[int, int]], start: int, length: int) -> None:
    spans = sorted(Span(s, s + n, "TIME", "claims") for s, n in intervals)
    qty = Span(start, start + length, "QTY", "claims")
    assert _Nearest(spans)(qty) == _brute_nearest(spans, qty)


PIECES = [
    "خمس",
    "سبع",
    "عشر",
    "السكان",
    "سنوات",
    "للبرميل",
    "دولار",
    "ال",
    "و30",
    "12.",
    "5",
    ",",
    "٫",
    " ",
    "\u200e",
    "\u064e",
    "\n",
]


@given(st.sampled_from(["خمس", "سبع", "75.30 دولار", "ثلث", "12"]), st.lists(st.sampled_from(PIECES), max_size=30))
def test_leading_context_reads_as_the_whole_context(quantity: str, pieces: list[str]) -> None:
    context = "".join(pieces)
    assert context.startswith(leading_context(context))
    read = parse_quantity(quantity, context_after=context)
    with pytest.MonkeyPatch.context() as patch:  # the whole context read, as before leading_context
        patch.setattr(train.claims.quantity, "leading_context", lambda text, start=0, end=None: text[start:end])
        assert parse_quantity(quantity, context_after=context) == read


def test_leading_context_of_a_long_rest_is_short() -> None:
    rest = " " + unpunctuated(50_000)
    assert len(leading_context(rest)) <= 64
    assert leading_context("abc", 1, 2) == "b"
