"""Rule-based number-claim tagger: the ``claims`` layer of the annotation guidelines without a model.

:func:`find_claims` tags ``QTY`` (a quantity read by :mod:`train.claims.grammar`, with its approximator,
comparator and marker), ``ENT`` (the counted noun phrase after it, without a leading partitive ``من``)
and ``TIME`` (the temporal expression of the sentence nearest to it, :mod:`train.claims.times`). Spans
start and end on the words of :func:`train.data.text.tokenize`; a number glued to clitics (``لآلاف``,
``و60``) is tagged as its whole word. A unit-like noun after the number (``لثلاثين يوماً``, ``35 نقطة``)
and a per-unit denominator (``75.30 دولار للبرميل``) are inside the ``QTY``; such a quantity counts no
``ENT``. Invisible format characters (U+200E...) are words that normalize to nothing: the grammar reads
across them (``26\u200e%``) and the spans keep the article's offsets, never starting or ending on one.

Every quantity the grammar reads is a ``QTY`` unless one of :data:`EXCLUSIONS` applies, tried in that
order; each is a function named for what it excludes, with examples in its docstring
(``[...]`` marks the number; ``tests/test_rules.py`` checks each example against its rule). Then
:func:`counted_noun` finds each ``ENT``. The linking of these spans into records is
:mod:`train.claims.linking`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable

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
    NOT_COUNTED,
    OTHERS,
    PRICE,
    RELATIVE,
    SIX,
    TEEN_TAIL,
    THOUSAND,
    TIME_UNITS,
    UNITS,
    WEEKDAYS,
    WEST_NAMES,
    YEAR_CONTEXT,
)
from train.claims.record import LE, LT
from train.claims.sentence import Candidate, SentenceView, digits, has, is_noun
from train.claims.times import find_times
from train.claims.words import norm_word, splits, year_like
from train.data.spans import Span
from train.data.text import split_sentences

MAX_TIME_GAP = 8  # words between a claim (QTY and its ENT) and the TIME that scopes it
LATIN_RE = re.compile(r"[A-Za-z]")
NISBA_RE = re.compile(r"..+(?:ي|يه|يين|يون|يات)$")
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
    sentence part before a colon or dash.

    Excluded: ``فاز الفريق [2]-1 على ضيفه.``, ``بدأ الاجتماع عند الساعة [18]:40 مساء.``
    Kept: ``واستمر الخطاب [90 دقيقة]: تحدث فيه عن الاقتصاد.``
    """
    m, toks = c.match, s.toks
    after = (m.end,) if toks[m.end - 1].kind == "num" or not c.loose else ()
    return any(0 <= k < len(toks) and toks[k].kind == "sym" and toks[k].text in JOINING_SYMBOLS for k in (m.start - 1, *after))


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
    """An identifier (an article, a law, a minute, a flight, an index), unless a unit follows it; after a
    unit of time, the seconds of a compound time are no quantity alone.

    Excluded: ``وتنص المادة [103] من الدستور على ذلك.``, ``ارتفع مؤشر نيكي [225] الياباني.``,
    ``سجل العداء زمن دقيقة [و31 ثانية].``
    Kept: ``واستمرت الرحلة [18 ساعة و45 دقيقة].``
    """
    return has(c.before, ID_CONTEXT) and (c.match.marker is None or has(c.before, TIME_UNITS))


def date(s: SentenceView, c: Candidate) -> bool:
    """A date: a number beside a month, or after a weekday when no noun it counts follows.

    Excluded: ``ولد في [13] مايو 1990 في القاهرة.``, ``ويعقد الاجتماع يوم الأحد [12] مايو.``
    Kept: ``وأعلنت الوزارة الجمعة [300] إصابة جديدة.``
    """
    return has(c.before, MONTHS) or has(c.after, MONTHS) or has(c.before, WEEKDAYS, True) and not is_noun(c.after)


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
    """``واحد/واحدة`` (one) alone: "one" of something, not a count.

    Excluded: ``وأصابت [واحدة] صحفية بعلبة.``, ``وصل رجل [واحد] إلى المدينة.``
    """
    m = c.match
    return m.marker is None and m.modifier is None and m.quantity.value == 1 and c.core.kind == "word"


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


def quantities(s: SentenceView) -> list[Candidate]:
    """Every quantity of the sentence that no exclusion applies to, left to right."""
    found: list[Candidate] = []
    i = 0
    while i < len(s.toks):
        c = s.candidate_at(i)
        kept = c is not None and exclusion(s, c) is None
        if kept:
            found.append(c)
        # go past the whole match, also past a located duration or a score: neither is read again
        # from a later piece (منذ نحو سبع سنوات must not leave سبع سنوات)
        if kept or c is not None and (located_duration(s, c) or score(s, c)):
            while i < len(s.toks) and s.toks[i].word <= c.last:
                i += 1
        else:
            i += 1
    return found


def counted_noun(s: SentenceView, c: Candidate, taken: set[int]) -> tuple[int, int] | None:
    """The ENT of ``c``: words (first, last) of the noun phrase it counts, right after it (past
    ``آخرون``, without a partitive ``من``), extended by up to three definite or nisba words. Money and
    measures count nothing; a percentage or a definite fraction counts only a definite partitive.

    Counted: ``قتل 25 [شخصا] في الهجوم يوم الأحد.``, ``قتل 20-25 من [الجنود] في الهجوم.``,
    ``وقدمت الحكومة 100 مليون دولار لإيواء ما بين 10 و12 ألف [نازح] خلال العام الماضي.``
    Uncounted: ``وأصيب 1400 بجروح.``, ``ويمتد الطريق 120 كيلومترا.``, ``وانخفضت الكلفة بأكثر من النصف وأصبحت أرخص.``
    """
    kind = c.match.quantity.kind
    if kind in ("money", "measure"):
        return None
    w = s.next_word(c.last + 1)
    if s.word(w) and has(s.word(w), OTHERS):
        w = s.next_word(w + 1)
    partitive = s.word(w) == FROM
    if partitive:
        w += 1
    elif kind == "percent" or kind == "fraction" and c.match.number.article:
        return None  # only a partitive follows a percentage or a definite fraction (أكثر من النصف بعدما)
    head = s.word(w)
    if not is_noun(head) or head in NOT_COUNTED or w in taken or (kind == "percent" and not head.startswith("ال")):
        return None
    end = w
    while end + 1 < len(s.words) and end - w < 3 and end + 1 not in taken:
        nxt, prev = s.words[end + 1], s.words[end]
        definite = nxt.startswith("ال") and len(nxt) > 3
        nisba = not prev.startswith("ال") and NISBA_RE.fullmatch(nxt) is not None
        if not (definite or nisba) or not is_noun(nxt) or has(nxt, WEEKDAYS | MONTHS | RELATIVE):
            break
        end += 1
    return w, end


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Distance between two intervals (0 when they touch or overlap)."""
    return max(a[0] - b[1], b[0] - a[1], 0)


def sentence_claims(s: SentenceView) -> list[Span]:
    """The QTY, ENT and TIME spans of one sentence: each QTY with its ENT, and the TIME nearest to each
    claim within :data:`MAX_TIME_GAP` words (a TIME may scope several)."""
    found = quantities(s)
    if not found:
        return []
    taken = {w for c in found for w in range(c.first, c.last + 1)}
    spans = [s.span(c.first, c.last, "QTY") for c in found]
    claims: list[tuple[int, int]] = []  # words each claim covers: its QTY and its ENT
    for c in found:
        ent = counted_noun(s, c, taken)
        if ent:
            taken.update(range(ent[0], ent[1] + 1))
            spans.append(s.span(*ent, "ENT"))
        claims.append((c.first, ent[1] if ent else c.last))
    times = [t for t in find_times(s) if not taken.intersection(range(t[0], t[1] + 1))]
    # times run left to right without overlap: those near a claim are one slice of them
    starts, ends = [t[0] for t in times], [t[1] for t in times]
    chosen: set[tuple[int, int]] = set()
    for claim in claims:
        near = times[bisect_left(ends, claim[0] - MAX_TIME_GAP) : bisect_right(starts, claim[1] + MAX_TIME_GAP)]
        if near:
            chosen.add(min(near, key=lambda t: (_gap(t, claim), t[0] < claim[0])))
    spans.extend(s.span(*t, "TIME") for t in chosen)
    return sorted(spans)


def find_claims(text: str) -> list[Span]:
    """QTY, ENT and TIME spans of the ``claims`` layer, non-overlapping, on word boundaries."""
    spans: list[Span] = []
    for sentence in split_sentences(text):
        spans.extend(sentence_claims(SentenceView(sentence.tokens)))
    return spans
