"""The rule tagger's exclusions: the quantities the grammar reads that are no ``QTY`` of the guidelines.

Every quantity :mod:`train.claims.grammar` reads is a ``QTY`` unless one of :data:`EXCLUSIONS` applies,
tried in that order (:func:`exclusion`); each is a function named for what it excludes, with examples in
its docstring (``[...]`` marks the number; ``tests/test_rules.py`` checks each example against its rule:
an ``Excluded`` one is excluded by this rule first, a ``Kept`` one is a ``QTY``). The tagger that applies
them is :mod:`train.claims.rules`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from train.claims.entities import noun_counted_by_one
from train.claims.lexicon import (
    DASHES,
    FINAL,
    FROM,
    HALF,
    ID_CONTEXT,
    JOINING_SYMBOLS,
    LAST,
    LOCATING,
    MONTH_WORDS,
    MONTHS,
    PRICE,
    SIX,
    TEEN_TAIL,
    THOUSAND,
    TIGHT_SYMBOLS,
    TIME_UNITS,
    UNITS,
    WEEKDAYS,
    WEST_NAMES,
    YEAR_CONTEXT,
)
from train.claims.record import LE, LT
from train.claims.sentence import Candidate, SentenceView, digits, has, is_noun
from train.claims.words import norm_word, splits, year_like

LATIN_RE = re.compile(r"[A-Za-z]")
SHADDA = "\u0651"
AND_HALF = "و" + HALF

Rule = Callable[[SentenceView, Candidate], bool]


def latin_letters(s: SentenceView, c: Candidate) -> bool:
    """A number inside a name written with Latin letters.

    Excluded: ``أطلقت الشركة شبكة [5G] الجديدة.``, ``أطلقت الشركة [20Gb] من البيانات.``
    """
    return any(LATIN_RE.search(s.tokens[w].text) for w in range(c.first, c.last + 1))


def glued_to_its_noun(s: SentenceView, c: Candidate) -> bool:
    """A number glued to the noun after it: no word boundary splits the QTY from its ENT or unit.

    Excluded: ``توفي الشاب عن [15عاما] في الحادث.``
    """
    m = c.match
    if m.end < len(s.toks) and s.toks[m.end].word == c.last:
        return True
    return c.loose and not s.toks[m.marker.start].first


def joined_by_a_symbol(s: SentenceView, c: Candidate) -> bool:
    """Scores, clock times and ids: a number joined to another by ``- / : +``; a unit-like noun may end a
    sentence part before a colon or dash. A colon joins only when written against both sides (``18:40``):
    spaced, it introduces the count after it (after a name or a year).

    Excluded: ``فاز الفريق [2]-1 على ضيفه.``, ``بدأ الاجتماع عند الساعة [18]:40 مساء.``
    Kept: ``واستمر الخطاب [90 دقيقة]: تحدث فيه عن الاقتصاد.``, ``الأمم المتحدة: [270 ألف] نازح بسبب القتال.``,
    ``وبلغ عدد اللاجئين في 2019 : [10000] شخص.``
    """
    m, toks = c.match, s.toks
    after = (m.end,) if toks[m.end - 1].kind == "num" or not c.loose else ()
    return any(
        0 <= k < len(toks)
        and toks[k].kind == "sym"
        and toks[k].text in JOINING_SYMBOLS
        and (toks[k].text not in TIGHT_SYMBOLS or s.tight(toks[k].word))
        for k in (m.start - 1, *after)
    )


def definite_number(s: SentenceView, c: Candidate) -> bool:
    """A definite number, a rank or a reference, unless a modifier or a currency, measure or percent
    marker makes it an amount.

    Excluded: ``شهدت [الخمس سنوات] الأخيرة نموا كبيرا.``
    Kept: ``وأكد المتحدث أن [قرابة الـ300] شخص اعتقلوا.``, ``ونقل [حوالي الألف] جريح إلى المستشفيات.``
    """
    m = c.match
    return m.number.article and not m.number.vague and m.modifier is None and (m.marker is None or c.loose)


def and_a_half(s: SentenceView, c: Candidate) -> bool:
    """ "And a half" after a noun.

    Excluded: ``عاش هناك سنة [ونصف سنة].``
    """
    return c.core.text == AND_HALF


def identifier(s: SentenceView, c: Candidate) -> bool:
    """An identifier (an article, a law, a minute, a flight, an index), unless a unit or a scale word follows
    it; after a unit of time, the seconds of a compound time are no quantity alone.

    Excluded: ``وتنص المادة [103] من الدستور على ذلك.``, ``ارتفع مؤشر نيكي [225] الياباني.``,
    ``سجل العداء زمن دقيقة [و31 ثانية].``
    Kept: ``واستمرت الرحلة [18 ساعة و45 دقيقة].``, ``وتقدر المنشآت في هذه المرحلة [بـ14 ألف] منشأة.``
    """
    m = c.match
    return has(c.before, ID_CONTEXT) and not m.number.scale and (m.marker is None or has(c.before, TIME_UNITS))


def date(s: SentenceView, c: Candidate) -> bool:
    """A date: a number before a month, a weekday (``حتى الاثنين``: until Monday); a bare number (no
    modifier, no marker) after a month, or after a weekday when no noun it counts follows.

    Excluded: ``ولد في [13] مايو 1990 في القاهرة.``, ``ويعقد الاجتماع يوم الأحد [12] مايو.``,
    ``استمر الإضراب منذ يوم السبت [وحتى الاثنين].``
    Kept: ``وأعلنت الوزارة الجمعة [300] إصابة جديدة.``, ``وفقدت الليرة الجمعة [أكثر من 7%] من قيمتها.``,
    ``وألغى في نهاية أغسطس [أكثر من 200 مليون دولار] من المساعدات.``
    """
    m = c.match
    bare = m.modifier is None and m.marker is None
    weekday = m.number.end - m.core_start == 1 and c.core.kind == "word" and has(c.core.text, WEEKDAYS, True)
    return (
        weekday
        or has(c.after, MONTHS)
        or bare
        and (has(c.before, MONTHS) or has(c.before, WEEKDAYS, True) and not is_noun(c.after))
    )


def year(s: SentenceView, c: Candidate) -> bool:
    """A year-like number (1900..2099) without a marker: a count only before an indefinite noun, never in a
    range, after a year word or a definite word, or before ``م/ه``.

    Excluded: ``صدر القانون في عام [2014] .``, ``شارك في مونديال [2018] وهي بطولة كبيرة.``,
    ``عقدت الدول الثلاث اجتماعها [بين 2010 و2013] في جنيف.``
    Kept: ``وصل [2000] لاجئ بحلول 2016.``
    """
    m = c.match
    literals = (t.text for t in s.toks[m.core_start : m.end] if t.kind == "num")
    return (
        m.marker is None
        and m.modifier in (None, LT, LE)
        and any(map(year_like, literals))
        and (
            m.is_range
            or has(c.before, YEAR_CONTEXT)
            or c.before.startswith("ال")
            or not is_noun(c.after)
            or c.after.startswith("ال")
            or c.after in ("م", "ه")
        )
    )


def code_digits(s: SentenceView, c: Candidate) -> bool:
    """Digits led by a zero or nine digits long or more: a code or a phone number, not an amount.

    Excluded: ``أرسل [0300] رسالة.``, ``سجل [123456789] زائرا.``
    """
    m = c.match
    return any(
        digits(t.text) and (t.text[0] == "0" and len(t.text) > 1 or len(t.text) >= 9)
        for t in s.toks[m.core_start : m.end]
        if t.kind == "num"
    )


def located_duration(s: SentenceView, c: Candidate) -> bool:
    """A duration that only places an event in time, after ``قبل/بعد/منذ/خلال...`` (after ``منذ/خلال`` it
    is the claim's TIME instead, :mod:`train.claims.times`).

    Excluded: ``اختطفوا من المدينة قبل [أربع سنوات] .``, ``وصل الوفد بعد [18 ساعة] من التأخير.``
    """
    return (has(c.after, TIME_UNITS) or c.match.marker is not None and c.match.marker.time) and has(c.before, LOCATING)


def lone_one(s: SentenceView, c: Candidate) -> bool:
    """``واحد/واحدة`` (one) alone: a pronoun ("one of them", "one of"), not a count, unless it counts the
    noun before it (:func:`train.claims.entities.noun_counted_by_one`).

    Excluded: ``وأصابت [واحدة] صحفية بعلبة.``, ``وهو [واحد] من أربعة مشاريع قوانين.``, ``شحن 3 أجهزة في وقت [واحد].``
    Kept: ``وصل رجل [واحد] إلى المدينة.``, ``يستخدم فيسبوك مرة [واحدة] يوميا.``
    """
    m = c.match
    return (
        m.marker is None
        and m.modifier is None
        and m.quantity.value == 1
        and c.core.kind == "word"
        and noun_counted_by_one(s, c) is None
    )


def ordinal_tail(s: SentenceView, c: Candidate) -> bool:
    """The ``عشر`` of a definite or spelled-out ordinal or teen.

    Excluded: ``تأهل إلى دور الستة [عشر] من البطولة.``
    """
    return (
        c.one_word
        and c.core.kind == "word"
        and c.core.text in TEEN_TAIL
        and (c.before.startswith("ال") and len(c.before) > 3 or has(c.before, UNITS))
    )


def final_or_price(s: SentenceView, c: Candidate) -> bool:
    """A fraction that names a round of a tournament, or ``ثمن`` (an eighth) that is a price.

    Excluded: ``وصل إلى الدور [نصف] النهائي للمرة الأولى.``, ``دفع [ثمنها] كاملا.``
    """
    return c.match.quantity.kind == "fraction" and (
        has(c.after, FINAL) or any(stem.startswith(PRICE) for _, stem in splits(c.core.text))
    )


def day_of_month(s: SentenceView, c: Candidate) -> bool:
    """A day of the month: a number up to 31, then ``من`` and a month.

    Excluded: ``وقعت الحادثة في الـ [14] من الشهر الجاري.``, ``وصل الوفد يوم [15] من الشهر الجاري.``
    """
    value = c.match.quantity.value
    month = s.word(s.next_word(s.next_word(c.last + 1) + 1))
    return value is not None and value <= 31 and c.after == FROM and has(month, MONTH_WORDS)


def look_alike_word(s: SentenceView, c: Candidate) -> bool:
    """A word spelled like a number: ``لست`` "I am not" before a predicate (not six before a plural),
    ``وست هام`` (West Ham), ``ألّف`` "he wrote" (with a shadda).

    Excluded: ``قال أنا [لست] مسؤولا عن ذلك.``, ``فاز [وست] هام على ضيفه.``, ``[ألّف] كتابا عن الحرب.``
    Kept: ``حكم عليه بالسجن [لست سنوات].``, ``وقعت ست دول [وست] منظمات على الاتفاق.``
    """
    if not (c.one_word and c.core.kind == "word"):
        return False
    raw, after = s.tokens[c.core.word].text, s.word_after(c.core.word)
    word = norm_word(raw)
    if any(stem == LAST and prefix in ("", "و", "ف") for prefix, stem in splits(word)):
        return not is_noun(after) or after.endswith("ا") or after.startswith(("وحد", "ال"))
    if any(stem == SIX for _, stem in splits(word)):
        return after in WEST_NAMES
    return SHADDA in raw and any(stem == THOUSAND for _, stem in splits(word))


def score(s: SentenceView, c: Candidate) -> bool:
    """A score read as a dash range: equal ends, or no unit, no scale word and nothing counted after it.

    Excluded: ``تعادل الفريقان [1-1] في المباراة.``, ``خسر الفريق [1-3] أمام ضيفه.``
    Kept: ``قتل [10-15] شخصا في الهجوم.``, ``قتل [20-25] من الجنود في الهجوم.``, ``نزح ما بين [20-30 ألفا].``
    """
    m = c.match
    if not m.is_range or not any(t.kind == "sym" and t.text in DASHES for t in s.toks[m.core_start : m.end]):
        return False
    plain = m.marker is None and not m.number.scale and c.after != FROM and not is_noun(c.after)
    return m.quantity.lower == m.quantity.upper or plain


# The order they are tried in; the first that applies excludes the quantity.
EXCLUSIONS: tuple[Rule, ...] = (
    latin_letters,
    glued_to_its_noun,
    joined_by_a_symbol,
    definite_number,
    and_a_half,
    identifier,
    date,
    year,
    code_digits,
    located_duration,
    lone_one,
    ordinal_tail,
    final_or_price,
    day_of_month,
    look_alike_word,
    score,
)


def exclusion(s: SentenceView, c: Candidate) -> Rule | None:
    """The first rule of :data:`EXCLUSIONS` that excludes ``c``; None for a QTY."""
    return next((rule for rule in EXCLUSIONS if rule(s, c)), None)
