"""The rule tagger's TIME: the temporal expressions of a sentence, each found by a named rule.

:func:`find_times` walks the sentence's words left to right; at each word the rules of
:data:`TIME_RULES` are tried in order and the first that applies gives a span, after which the walk
goes on past it. A preposition's rules come first (``منذ ديسمبر``, ``خلال 2018``, ``منذ ثلاث سنوات``), then
the bare expressions of :data:`BARE_TIMES` (``يوم الأربعاء``, ``الشهر الماضي``, ``النصف الأول من العام``,
``بشهر فبراير/شباط``, ``الساعة 00:08``). A weekday that dates the report of a fact is left out (:func:`reported`).
:func:`train.claims.rules.sentence_claims` keeps, for each claim, the nearest of them. Each docstring
gives examples of what it finds (``[...]`` marks the TIME; ``tests/test_rules.py`` checks each against its rule).
"""

from __future__ import annotations

from collections.abc import Callable

from train.claims.lexicon import (
    AMBIGUOUS_MONTHS,
    BY_THEN,
    CLOCK,
    DAY,
    DAY_PARTS,
    FROM,
    IN,
    MONTH_ORDINALS,
    MONTH_WORD,
    MONTHS,
    NOW,
    PART_OF_YEAR,
    PART_ORDINALS,
    PERIODS,
    RELATIVE,
    REPORTING,
    SCOPING_DURATION,
    THIS,
    TIME_PREPS,
    TIME_UNITS,
    TIME_ZONE,
    UNITS,
    WEEKDAYS,
    YEAR_WORDS,
    YESTERDAY,
)
from train.claims.record import APPROX
from train.claims.sentence import SentenceView, digits, has
from train.claims.words import splits, year_like


def day_and_weekday(s: SentenceView, w: int) -> int | None:
    """``يوم`` and a weekday, or two (``يومي السبت والأحد``).

    Found: ``قتل 25 شخصا في الهجوم [يوم الأحد].``
    """
    if not (has(s.word(w), DAY) and has(s.word(w + 1), WEEKDAYS, True)):
        return None
    return w + 2 if has(s.word(w + 2), WEEKDAYS, True) and s.word(w + 2).startswith("وال") else w + 1


def weekday(s: SentenceView, w: int) -> int | None:
    """A definite weekday.

    Found: ``قتل 25 شخصا [الجمعة] في الهجوم.``
    """
    return w if has(s.word(w), WEEKDAYS, True) else None


def month_date(s: SentenceView, w: int) -> int | None:
    """A month, after a day or ``شهر`` or alone, with its other name (``فبراير/شباط``, ``كانون الأول``), and
    the year or the relative adjective after it. A month that also spells another word (``آب``, ``أب``)
    needs one of these.

    Found: ``وصل 300 لاجئ في [13 مايو 1990].``, ``استسلم 50 مقاتلا [منذ ديسمبر].``,
    ``سجلت 1216 حالة [بشهر فبراير/شباط].``, ``ارتفعت العائدات 14.4 في المئة في [مايو الماضي].``,
    ``شهدت في [ديسمبر/ كانون الأول الماضي] مظاهرات شملت عشرات المدن.``
    Not found: ``قتل 9 أشخاص بينهم أب وابنه.``
    """
    word = s.word(w)
    lead = digits(word) and int(word) <= 31 or has(word, MONTH_WORD, False)
    month = w + 1 if lead else w
    if not has(s.word(month), MONTHS, False):
        return None
    end = _other_name(s, month)
    if year_like(s.word(end + 1)) or has(s.word(end + 1), RELATIVE, True):
        return end + 1
    if end == month and not lead and has(s.word(month), AMBIGUOUS_MONTHS, False):
        return None
    return end


def _other_name(s: SentenceView, month: int) -> int:
    """The last word of the month at word ``month`` with its second word (``كانون الأول``) and its other
    name after a slash (``فبراير/شباط``)."""
    end = month + 1 if has(s.word(month + 1), MONTH_ORDINALS) else month
    if s.word(end + 1) == "/" and has(s.word(end + 2), MONTHS, False):
        end += 2
        end = end + 1 if has(s.word(end + 1), MONTH_ORDINALS) else end
    return end


def day_part_and_weekday(s: SentenceView, w: int) -> int | None:
    """A part of a day and a weekday.

    Found: ``أصيب 11 شخصا [مساء الثلاثاء].``
    """
    return w + 1 if has(s.word(w), DAY_PARTS) and has(s.word(w + 1), WEEKDAYS, True) else None


def clock(s: SentenceView, w: int) -> int | None:
    """``الساعة`` and a clock time (``00:08``), with its zone (``بتوقيت غرينتش``).

    Found: ``ارتفعت العقود 22 سنتا في [الساعة 00:08 بتوقيت غرينتش].``
    """
    if not (has(s.word(w), CLOCK, True) and digits(s.word(w + 1)) and s.word(w + 2) == ":" and digits(s.word(w + 3))):
        return None
    return w + 5 if has(s.word(w + 4), TIME_ZONE) and s.word(w + 5).isalpha() else w + 3


def now(s: SentenceView, w: int) -> int | None:
    """Now.

    Found: ``يبلغ عدد الطائرات 20 طائرة [حاليا].``
    """
    return w if has(s.word(w), NOW) else None


def year_word_and_year(s: SentenceView, w: int) -> int | None:
    """A year word and a year.

    Found: ``وفي [عام 2014] سيطر التنظيم على نحو ثلث العراق.``
    """
    return w + 1 if has(s.word(w), YEAR_WORDS) and year_like(s.word(w + 1)) else None


def this_period(s: SentenceView, w: int) -> int | None:
    """``هذا/هذه`` and a definite period.

    Found: ``قتل 20 شخصا [هذا الأسبوع].``
    """
    return w + 1 if has(s.word(w), THIS) and has(s.word(w + 1), PERIODS, True) else None


def yesterday(s: SentenceView, w: int) -> int | None:
    """Yesterday.

    Found: ``قتل 20 شخصا [أمس] في الهجوم.``
    """
    return w if has(s.word(w), YESTERDAY) else None


def part_of_year(s: SentenceView, w: int) -> int | None:
    """A half or quarter with its ordinal, of the year (not ``من المباراة``).

    Found: ``نما الاقتصاد 3% في [النصف الأول من العام].``, ``نما الاقتصاد 20% في [الربع الثالث من 2019].``
    """
    return _of_year(s, w + 1) if _part_with_ordinal(s, w) else None


def relative_period(s: SentenceView, w: int) -> int | None:
    """A definite period, perhaps counted, and a relative adjective (``الماضي``, ``المقبل``); not a part
    with its ordinal, which only :func:`part_of_year` reads.

    Found: ``ارتفعت الأسعار بنسبة 20 في المئة في [الشهر الماضي].``
    """
    if not has(s.word(w), PERIODS, True) or _part_with_ordinal(s, w):
        return None
    end = w + 1
    if any(stem in UNITS for _, stem in splits(s.word(end))):
        end += 1
    return end if has(s.word(end), RELATIVE, True) else None


def _part_with_ordinal(s: SentenceView, w: int) -> bool:
    return has(s.word(w), PART_OF_YEAR, True) and has(s.word(w + 1), PART_ORDINALS, True)


# A temporal expression that needs no preposition, in the order tried.
BARE_TIMES: tuple[Callable[[SentenceView, int], int | None], ...] = (
    day_and_weekday,
    day_part_and_weekday,
    weekday,
    month_date,
    clock,
    now,
    year_word_and_year,
    this_period,
    yesterday,
    part_of_year,
    relative_period,
)


def bare_time(s: SentenceView, w: int) -> int | None:
    """The last word of the bare temporal expression at word ``w``, by the first of :data:`BARE_TIMES`."""
    if not s.word(w):
        return None
    return next((end for rule in BARE_TIMES if (end := rule(s, w)) is not None), None)


def _of_year(s: SentenceView, w: int) -> int | None:
    """The last word of ``من العام (الماضي)`` or ``من 2019`` after word ``w``; ``w`` when no ``من``
    follows; ``None`` when ``من`` names something else (``النصف الأول من المباراة``: not a time)."""
    if s.word(w + 1) != FROM:
        return w
    year = w + 2
    if year_like(s.word(year)):
        return year
    if not has(s.word(year), YEAR_WORDS):
        return None
    if year_like(s.word(year + 1)) or has(s.word(year + 1), RELATIVE, True):
        return year + 1
    return year


def _year_after(s: SentenceView, w: int) -> int | None:
    """Word ``w + 1`` when it is a year not followed by a unit of time (``قبل 2000 عام`` is no year)."""
    return w + 1 if year_like(s.word(w + 1)) and not has(s.word(w + 2), TIME_UNITS) else None


def in_a_time(s: SentenceView, w: int) -> tuple[int, int] | None:
    """``في`` and a time or a year: the TIME leaves ``في`` out.

    Found: ``ارتفعت الأسعار بنسبة 20 في المئة في [الشهر الماضي].``
    """
    if s.words[w] != IN:
        return None
    end = bare_time(s, w + 1)
    end = _year_after(s, w) if end is None else end
    return None if end is None else (w + 1, end)


def preposition_and_time(s: SentenceView, w: int) -> tuple[int, int] | None:
    """A time preposition (``منذ``, ``خلال``, ``قبل``, ``بحلول``...) and a bare time.

    Found: ``قتل 6500 شخص [خلال اليومين السابقين].``, ``استسلم 50 مقاتلا [منذ ديسمبر].``,
    ``[بحلول صباح السبت] صدرت أوامر لأكثر من 1.6 مليون شخص.``
    """
    if not has(s.words[w], TIME_PREPS | BY_THEN) or (end := bare_time(s, w + 1)) is None:
        return None
    return w, end


def scoping_duration(s: SentenceView, w: int) -> tuple[int, int] | None:
    """``منذ/خلال/طوال/طيلة`` and a duration (a number of time units, perhaps approximate).

    Found: ``يعيش في المخيم 400 لاجئ [منذ ثلاث سنوات].``, ``قتل 40 شخصا [منذ نحو سبع سنوات].``
    """
    if not has(s.words[w], SCOPING_DURATION) or (end := _duration_at(s, w + 1)) is None:
        return None
    return w, end


def preposition_and_year(s: SentenceView, w: int) -> tuple[int, int] | None:
    """A time preposition and a year.

    Found: ``قتل أكثر من 500 ألف شخص [منذ 2011].``, ``قتل 300 شخص [خلال 2018].``
    Not found: ``قتل 5 أشخاص قبل 2000 عام.``
    """
    if not has(s.words[w], TIME_PREPS) or (end := _year_after(s, w)) is None:
        return None
    return w, end


def by_then_year(s: SentenceView, w: int) -> tuple[int, int] | None:
    """``بحلول`` and a year.

    Found: ``وصل 2000 لاجئ [بحلول 2016].``
    """
    return (w, w + 1) if has(s.words[w], BY_THEN) and year_like(s.word(w + 1)) else None


def bare(s: SentenceView, w: int) -> tuple[int, int] | None:
    """A bare temporal expression (:data:`BARE_TIMES`)."""
    end = bare_time(s, w)
    return None if end is None else (w, end)


def _duration_at(s: SentenceView, w: int) -> int | None:
    """A number of time units (``ثلاث سنوات``, ``نحو 24 ساعة``) starting at word ``w``."""
    match = s.expression_at_word(w)
    if match is None or match.modifier not in (None, APPROX):
        return None
    if match.marker is not None and match.marker.time:
        return s.toks[match.end - 1].word
    if match.quantity.kind != "count":
        return None
    unit = s.toks[match.end - 1].word + 1
    return unit if has(s.word(unit), TIME_UNITS) else None


# The order they are tried in at each word; the first that applies gives the span.
TIME_RULES: tuple[Callable[[SentenceView, int], tuple[int, int] | None], ...] = (
    in_a_time,
    preposition_and_time,
    scoping_duration,
    preposition_and_year,
    by_then_year,
    bare,
)


# The words a TIME may start with, in some clitics, or digits (a day of the month): a cheap filter before
# the rules, each of which starts with one of these (a new rule's first words belong here).
TIME_STARTS = (
    {IN}
    | TIME_PREPS
    | SCOPING_DURATION
    | BY_THEN
    | DAY
    | DAY_PARTS
    | WEEKDAYS
    | MONTHS
    | MONTH_WORD
    | CLOCK
    | NOW
    | YEAR_WORDS
    | THIS
    | YESTERDAY
    | PART_OF_YEAR
    | PERIODS
)


def _weekday(s: SentenceView, span: tuple[int, int]) -> bool:
    return has(s.word(span[1]), WEEKDAYS, True)


def may_start_time(word: str) -> bool:
    return digits(word) or any(stem in TIME_STARTS for _, stem in splits(word))


REPORT_REACH = 4  # visible words before a weekday where a reporting verb makes it the time of the report
THAT = frozenset({"ان"})  # أن/إن (normalized) after a reporting verb and its time


def reported(s: SentenceView, first: int, last: int) -> bool:
    """Whether the weekday at words ``first``-``last`` dates the report of a fact, not the fact: a reporting
    verb (``reporting`` of the lexicon) stands up to :data:`REPORT_REACH` words before it or right after it,
    or ``أن`` follows it.

    Found: ``قتل 4 أشخاص في الهجوم [يوم الأحد].``
    Not found: ``وأعلنت السلطات الأحد أن 12 شخصا قتلوا.``, ``والخميس أعلن الصليب الأحمر أن 29 طفلا قتلوا.``
    """
    after = s.word(s.next_word(last + 1))
    if has(after, REPORTING) or after in THAT:
        return True
    w, seen = first - 1, 0
    while w >= 0 and seen < REPORT_REACH:
        if s.word(w):
            if has(s.word(w), REPORTING):
                return True
            seen += 1
        w -= 1
    return False


def find_times(s: SentenceView, rules: list[str] | None = None) -> list[tuple[int, int]]:
    """(first, last) words of the temporal expressions of the sentence, left to right, but for a weekday
    that dates a report (:func:`reported`); given a list ``rules``, the name of the rule that found each
    is appended to it (``bare: weekday`` for a bare time)."""
    found: list[tuple[int, int]] = []
    w = 0
    while w < len(s.words):
        span = None
        if may_start_time(s.words[w]):
            rule, span = next(((rule, span) for rule in TIME_RULES if (span := rule(s, w)) is not None), (None, None))
        if span is not None and rule is bare and _weekday(s, span) and reported(s, *span):
            w = span[1] + 1
            continue
        if span is None:
            w += 1
            continue
        found.append(span)
        if rules is not None:
            name = rule.__name__
            rules.append(f"{name}: {next(r.__name__ for r in BARE_TIMES if r(s, w) is not None)}" if rule is bare else name)
        w = span[1] + 1
    return found
