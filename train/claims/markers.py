"""The sub-grammar of markers: what follows a number and says what it measures.

A percent sign or ``بالمئة/في المئة`` (kind ``percent``, unit ``%``); a currency sign or word, with its
qualifier (``ريال سعودي`` SAR; an unqualified ``ريال`` keeps currency None); a measure (``كلم`` ->
``كيلومتر``, ``متر مربع``); or a unit-like noun kept as written (``يوماً``, ``نقطة مئوية``, ``سنتا``: money
without a currency). A money or measure marker takes a per-unit denominator glued to it (``دولار
للبرميل``, ``ميلا بالساعة``), and its unit is then the text as written. The words are those of
:mod:`train.claims.lexicon`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from train.claims.lexicon import (
    CUBIC,
    CURRENCY_PLAIN,
    CURRENCY_QUALIFIED,
    CURRENCY_SIGNS,
    CURRENCY_WORDS,
    HUNDRED,
    IN,
    KILO,
    MEASURES,
    MEASURES_SQUARED_ONLY,
    METRE_FORMS,
    ONE_AFTER,
    OTHER_UNIT_WORDS,
    PER_NOUNS,
    PERCENT_SIGNS,
    QUALIFIER_STEMS,
    QUALIFIERS,
    SQUARE,
    SUBUNIT_WORDS,
    TIME_UNIT_WORDS,
    UNIT_QUALIFIERS,
)
from train.claims.words import DEFINITE_RE, Pieces, article

# The proclitics of a per-unit denominator (للبرميل, بالساعة) and of a percent written بالمئة.
PER_PREFIXES = frozenset(("ل", "لل", "بال"))
PERCENT_PREFIXES = frozenset(("بال", "فبال", "وبال"))


@dataclass(frozen=True)
class Marker:
    """What a number measures, read from the pieces up to ``end``: its kind, unit and currency."""

    end: int
    kind: str
    unit: str
    currency: str | None = None
    start: int = -1  # its first piece (set where ``written``)
    written: bool = False  # the unit is the text as written from ``start`` (see parse_quantity)
    time: bool = False  # a unit of time (يوما, سنوات): the quantity is a duration
    loose: bool = False  # a unit-like noun (see loose_marker), not a currency, measure or percent


class MarkerGrammar(Pieces):
    """Reads the marker at a piece."""

    def marker(self, i: int) -> Marker | None:
        """A percent, currency or measure marker at ``i``; a money or measure marker takes a per-unit
        phrase glued to it (``دولار للبرميل``, ``ميلا بالساعة``), and then its unit is as written."""
        mark = self.known_marker(i) or self.loose_marker(i)
        if mark is None or mark.kind not in ("money", "measure"):
            return mark
        end = self.per_unit(mark.end)
        if end == mark.end:
            return mark
        return Marker(end, mark.kind, mark.unit, mark.currency, i, True, mark.time, mark.loose)

    def known_marker(self, i: int) -> Marker | None:
        """A percent, a currency (sign, or word with its qualifier) or a measure (with مربع/مكعب)."""
        if self.sym(i, PERCENT_SIGNS):
            return Marker(i + 1, "percent", "%")
        if sign := self.sym(i, CURRENCY_SIGNS):
            return Marker(i + 1, "money", *CURRENCY_SIGNS[sign])
        if self.word(i, {HUNDRED}, lambda p: p in PERCENT_PREFIXES):
            return Marker(i + 1, "percent", "%")
        if self.is_word(i, IN) and self.word(i + 1, {HUNDRED}, lambda p: p == "ال"):
            return Marker(i + 2, "percent", "%")
        if hit := self.word(i, CURRENCY_WORDS, article):
            name = CURRENCY_WORDS[hit[1]]
            if qual := self.word(i + 1, QUALIFIER_STEMS, article):
                key = (name, _qualifier(qual[1]))
                if key in CURRENCY_QUALIFIED:
                    return Marker(i + 2, "money", *CURRENCY_QUALIFIED[key])
            return Marker(i + 1, "money", name, CURRENCY_PLAIN.get(name))
        unit, end = None, i
        if self.is_word(i, KILO) and self.word(i + 1, METRE_FORMS):
            unit, end = "كيلومتر", i + 2
        elif hit := self.word(i, MEASURES, article):
            unit, end = MEASURES[hit[1]], i + 1
        elif (hit := self.word(i, MEASURES_SQUARED_ONLY, article)) and self.word(i + 1, SQUARE | CUBIC):
            unit, end = MEASURES_SQUARED_ONLY[hit[1]], i + 1
        if unit is None:
            return None
        if self.word(end, SQUARE):
            return Marker(end + 1, "measure", f"{unit} مربع")
        if self.word(end, CUBIC):
            return Marker(end + 1, "measure", f"{unit} مكعب")
        return Marker(end, "measure", unit)

    def loose_marker(self, i: int) -> Marker | None:
        """A unit-like noun at ``i`` (``يوماً``, ``نقطة``, ``سنتا``): a measure, or money without a
        currency code for the subunits; its unit is as written."""
        if i >= self.limit:
            return None
        if self.word(i, SUBUNIT_WORDS):
            return Marker(i + 1, "money", self.toks[i].text, None, i, True, loose=True)
        time = self.word(i, TIME_UNIT_WORDS) is not None
        if not (time or self.word(i, OTHER_UNIT_WORDS)):
            return None
        end = i + 2 if self.word(i + 1, UNIT_QUALIFIERS) else i + 1
        return Marker(end, "measure", self.toks[i].text, None, i, True, time, True)

    def is_unit_word(self, i: int, allow: Callable[[str], bool]) -> bool:
        return any(
            self.word(i, table, allow)
            for table in (MEASURES, CURRENCY_WORDS, TIME_UNIT_WORDS, OTHER_UNIT_WORDS, SUBUNIT_WORDS, PER_NOUNS)
        )

    def per_unit(self, i: int) -> int:
        """The end of a per-unit denominator glued to a unit at ``i`` (``للبرميل``, ``بالساعة``,
        ``للبرميل الواحد``), or ``i``. Not when a definite word follows it: ``للعام المقبل`` is a time."""
        if not self.is_unit_word(i, lambda p: p in PER_PREFIXES):
            return i
        if self.word(i + 1, ONE_AFTER, lambda p: p == "ال"):
            return i + 2
        nxt = self.toks[i + 1] if i + 1 < len(self.toks) else None
        if nxt is not None and nxt.kind == "word" and DEFINITE_RE.match(nxt.text):
            return i
        return i + 1


def _qualifier(stem: str) -> str:
    return stem[:-1] if stem[:-1] in QUALIFIERS and stem[-1] in "ها" else stem
