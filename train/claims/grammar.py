"""The grammar of a quantity expression: a number (:mod:`train.claims.numbers`) with its marker
(:mod:`train.claims.markers`), its modifiers, or two numbers as a range.

* Approximators and comparators before the number (``نحو``, ``أكثر من``, ``لا يقل عن``, ``حتى``) and after
  it (``تقريبا``, ``على الأقل``, ``على الأكثر``), the phrases of :mod:`train.claims.lexicon`.
* Ranges, both bounds inclusive: ``(ما) بين X و/إلى Y``, ``من X إلى/حتى Y``, ``X-Y``; the scale and marker
  written after ``Y`` apply to ``X`` (``بين 10 و12 ألف`` = [10000, 12000]); ``X`` must not exceed ``Y``.
* A duration continued with a smaller unit of time of its family, read in its first unit
  (``18 ساعة و45 دقيقة`` = 18.75 hours).
* A unit followed by ``واحد``, one of it (``دولار أمريكي واحد`` = 1 USD, ``عاما واحدا``).

:meth:`Grammar.expression` reads the longest expression from a piece into a :class:`Match`, which
carries the normalized record (:class:`train.claims.record.Quantity`); :func:`can_start` is the cheap
filter a caller scanning a sentence applies first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

from train.claims.lexicon import (
    AND,
    BETWEEN,
    CURRENCY_SIGNS,
    DASHES,
    DAY_WORD,
    FRACTIONS,
    FROM,
    HUNDREDS,
    MODIFIERS_BY_FIRST,
    NAYYIF,
    ONE_AFTER,
    PREFIX_MODIFIERS,
    PRONOUN_SUFFIXES,
    SCALE_ALONE,
    SCALE_DUAL,
    SUFFIX_MODIFIERS,
    TEEN_ONLY_UNITS,
    TENS,
    TIME_UNIT_LENGTHS,
    TO,
    UNITS,
    VAGUE,
    WEEKDAYS,
    WHAT,
)
from train.claims.markers import Marker
from train.claims.numbers import Num, NumberGrammar
from train.claims.record import APPROX, Quantity, quantity_record
from train.claims.words import DEFINITE_RE, Tok, any_prefix, article, conj, no_article, no_prefix, splits, year_like

Side = tuple[Num, Marker | None]  # one end of a range: an exact number and its marker


@dataclass(frozen=True)
class Match:
    """A quantity expression read from ``toks[start:end]``."""

    start: int
    end: int
    core_start: int  # where the number itself starts (after any modifier)
    quantity: Quantity
    number: Num
    modifier: str | None
    marker: Marker | None
    is_range: bool
    unit_first: bool = False  # the unit before the number: دولار أمريكي واحد (Grammar.unit_and_one)


class Grammar(NumberGrammar):
    """Reads quantity expressions from a list of pieces (see :func:`train.claims.words.lex`)."""

    def expression(self, i: int) -> Match | None:
        """The longest quantity expression starting at piece ``i``."""
        modifier, j = self.prefix_modifier(i) or (None, i)
        sign = self.sym(j, CURRENCY_SIGNS)
        core = j + 1 if sign else j
        rng = None if modifier not in (None, APPROX) or sign else self.range_at(core)
        one = None
        if rng:
            lower, num, mark, end = rng
        elif not sign and (one := self.unit_and_one(core)):  # دولار أمريكي واحد: the number after its unit
            mark, num = one
            core, end = mark.end, num.end
        else:
            num = self.number(core, any_prefix if core == i else article)  # قرابة الـ300, حوالي الألف
            if num is None:
                return None
            mark = self.marker_after(num)
            end = mark.end if mark else num.end
            if mark is not None and mark.time and (longer := self.compound_duration(num, mark)):
                num, end = longer, longer.end
        if sign:
            mark = Marker(core, "money", *CURRENCY_SIGNS[sign])
        if (suffix := self.suffix_modifier(end)) and (
            (modifier is None and not rng) or (suffix[0] == APPROX and modifier in (None, APPROX))
        ):
            modifier, end = suffix
        kind = mark.kind if mark else "fraction" if num.fraction else "count"
        unit, currency = (mark.unit, mark.currency) if mark else (None, None)
        value, low, high = (None, lower, num.value) if rng else (num.value, num.lower, num.upper)
        quantity = quantity_record(
            value, low, high, modifier, vague=num.vague and not rng, kind=kind, unit=unit, currency=currency
        )
        return Match(i, end, core, quantity, num, modifier, mark, rng is not None, one is not None)

    def unit_and_one(self, i: int) -> tuple[Marker, Num] | None:
        """A currency, measure or unit-like noun, then ``واحد/واحدة/واحدا``: one of it (``دولار أمريكي
        واحد`` = 1 USD, ``عاما واحدا`` = a duration of 1 in ``عاما``). Not after a definite unit
        (``للبرميل الواحد`` is a per-unit denominator)."""
        if not self.before_one(i) or self.toks[i].kind != "word" or DEFINITE_RE.match(self.toks[i].text):
            return None
        mark = self.marker(i)
        if mark is None or mark.kind == "percent" or not self.word(mark.end, ONE_AFTER):
            return None
        return mark, Num(mark.end + 1, Fraction(1))

    def before_one(self, i: int) -> bool:
        """Whether a bare ``واحد`` stands one or two pieces after piece ``i`` (where a unit before it may
        start an expression, :meth:`unit_and_one`; :func:`can_start` does not see it)."""
        return any(k < self.limit and self.toks[k].text in ONE_AFTER for k in (i + 1, i + 2))

    def prefix_modifier(self, i: int) -> tuple[str, int] | None:
        if i >= self.limit or self.toks[i].kind != "word":
            return None
        for prefix, stem in splits(self.toks[i].text):
            for stems, effect in MODIFIERS_BY_FIRST.get(stem, ()) if no_article(prefix) else ():
                if (end := self.phrase(i + 1, stems[1:])) is not None:
                    return effect, end
        return None

    def suffix_modifier(self, i: int) -> tuple[str, int] | None:
        for stems, effect in SUFFIX_MODIFIERS:
            if (end := self.phrase(i, stems)) is not None:
                return effect, end
        return None

    def marker_after(self, num: Num) -> Marker | None:
        """The marker after ``num``; a year-like number (``2014 عام``) takes no unit of time, nor does a
        number before a day's name (``وقتل 12 يوم الخميس``: that يوم names the day)."""
        mark = self.marker(num.end)
        if mark is not None and mark.time and num.plain_digits and year_like(num.plain_digits):
            return None
        if mark is not None and self.is_word(num.end, DAY_WORD) and self.word(mark.end, WEEKDAYS, lambda prefix: prefix == "ال"):
            return None
        return mark

    def compound_duration(self, num: Num, mark: Marker) -> Num | None:
        """``18 ساعة و45 دقيقة``: a duration continued with ``و``, a number and a smaller unit of time
        of the same family, read in the first unit (18.75 hours; ``10 سنوات و6 أشهر`` = 10.5 years)."""
        rest = self.number(mark.end, conj)
        if num.vague or rest is None or rest.vague or rest.fraction:
            return None
        first, second = self.word(mark.start, TIME_UNIT_LENGTHS), self.word(rest.end, TIME_UNIT_LENGTHS)
        if first is None or second is None:
            return None
        family, length = TIME_UNIT_LENGTHS[first[1]]
        second_family, second_length = TIME_UNIT_LENGTHS[second[1]]
        if second_family != family or second_length >= length:
            return None
        return replace(num, end=rest.end + 1, value=num.value + rest.value * Fraction(second_length, length))

    def side(self, i: int, allow: Callable[[str], bool]) -> Side | None:
        """One end of a range: an exact number and its marker."""
        num = self.number(i, allow)
        if num is None or num.vague:
            return None
        return num, self.marker_after(num)

    def range_at(self, i: int) -> tuple[Fraction, Num, Marker | None, int] | None:
        """``بين X و Y`` (or ``بين X إلى Y``), ``من X إلى Y``, ``X-Y``: (lower, Y, marker, end)."""
        j = i + 1 if self.is_word(i, WHAT, no_article) and self.is_word(i + 1, BETWEEN) else i
        if self.is_word(j, BETWEEN, no_article):
            sides = self._joined(j + 1, lambda k: self.side(k + 1, no_prefix) if self._between_and(k) else self.side(k, conj))
        elif self.is_word(i, FROM, no_article):
            sides = self._joined(i + 1, lambda k: self.side(k + 1, no_prefix) if self.word(k, TO) else None)
        else:
            sides = self._dashed(i)
        if sides is None:
            return None
        (x, mark), (y, y_mark) = sides
        lower = x.value
        if y.scale and not x.scale and not mark and lower * y.scale <= y.value:
            lower *= y.scale
        if lower > y.value:
            return None
        return lower, y, y_mark or mark, y_mark.end if y_mark else y.end

    def _between_and(self, k: int) -> bool:
        """The word joining the ends of a ``بين`` range written apart: ``و``, or ``إلى`` (``بين 55 إلى 109``)."""
        return self.is_word(k, AND) or self.word(k, TO) is not None

    def _joined(self, i: int, second: Callable[[int], Side | None]) -> tuple[Side, Side] | None:
        """The ends of ``بين X و Y`` or ``من X إلى Y``: X at ``i``; ``second`` reads Y from where X ends."""
        left = self.side(i, no_prefix)
        if left is None:
            return None
        x, mark = left
        right = second(mark.end if mark else x.end)
        return None if right is None else (left, right)

    def _dashed(self, i: int) -> tuple[Side, Side] | None:
        """The ends of ``X-Y``: digits, a dash and digits, with no marker before the dash."""
        left = self.side(i, any_prefix) if i < self.limit and self.toks[i].kind == "num" else None
        if left is None or left[1] is not None or not self.sym(left[0].end, DASHES):
            return None
        x = left[0]
        if x.end + 1 >= self.limit or self.toks[x.end + 1].kind != "num":
            return None
        right = self.side(x.end + 1, no_prefix)
        return None if right is None else (left, right)


STARTS = frozenset(
    set(UNITS)
    | set(TEEN_ONLY_UNITS)
    | set(TENS)
    | set(HUNDREDS)
    | set(SCALE_ALONE)
    | set(SCALE_DUAL)
    | set(VAGUE)
    | set(FRACTIONS)
    | {NAYYIF, BETWEEN, WHAT, FROM}
    | {stems[0] for stems, _ in PREFIX_MODIFIERS}
)


def can_start(tok: Tok) -> bool:
    """Whether an expression may start at ``tok`` (a cheap filter before :meth:`Grammar.expression`)."""
    if tok.kind == "num":
        return True
    if tok.kind == "sym":
        return tok.text in CURRENCY_SIGNS
    return any(
        stem in STARTS or any(stem.endswith(suffix) and stem[: -len(suffix)] in FRACTIONS for suffix in PRONOUN_SUFFIXES)
        for _, stem in splits(tok.text)
    )
