"""Rule-based number-claim tagger: the ``claims`` layer of the annotation guidelines without a model.

:func:`find_claims` tags ``QTY`` (a quantity read by :mod:`train.claims.grammar`, with its approximator,
comparator and marker), ``ENT`` (the noun phrase it counts, or the variable an amount of money, percentage
or measure measures, :mod:`train.claims.entities`) and ``TIME``
(the temporal expression of the sentence nearest to it, :mod:`train.claims.times`). Spans start and end
on the words of :func:`train.data.text.tokenize`; a number glued to clitics (``لآلاف``, ``و60``) is
tagged as its whole word. A unit-like noun after the number (``لثلاثين يوماً``, ``35 نقطة``) and a
per-unit denominator (``75.30 دولار للبرميل``) are inside the ``QTY``; such a quantity counts no ``ENT``.
Invisible format characters (U+200E...) are words that normalize to nothing: the grammar reads across
them (``26\u200e%``) and the spans keep the article's offsets, never starting or ending on one.

Every quantity the grammar reads is a ``QTY`` unless one of the exclusions of
:mod:`train.claims.exclusions` applies. :data:`INCLUSIONS` name what made each ``QTY`` (the first that
applies), with examples in their docstrings (``[...]`` marks the quantity; ``tests/test_rules.py``
checks them). Given a dict ``trace``, :func:`find_claims` records why it tagged each span (what
``tag --explain`` shows); without one it does no such work. The linking of these spans into records is
:mod:`train.claims.linking`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from train.claims.entities import counted_noun, noun_counted_by_one
from train.claims.exclusions import EXCLUSIONS, Rule, exclusion, year
from train.claims.lexicon import COMMAS
from train.claims.sentence import Candidate, SentenceView
from train.claims.times import find_times
from train.data.spans import Span
from train.data.text import split_sentences

MAX_TIME_GAP = 8  # words between a claim (QTY and its ENT) and the TIME that scopes it
EXCLUSION_NAMES = tuple(rule.__name__ for rule in EXCLUSIONS)
TIME_CHOICE = (
    f"the TIME nearest to the claim (its QTY and ENT), within {MAX_TIME_GAP} words and its clause (no comma and "
    "conjunction between)"
)


def range_of_numbers(s: SentenceView, c: Candidate) -> bool:
    """Two numbers as one range, both ends inclusive: ``(ما) بين X و/إلى Y``, ``من X إلى Y``, ``X-Y``.

    Included: ``تدعم الصين الإنتاج بنسبة تراوح [بين 55 إلى 109 بالمئة].``,
    ``تتكلف العملية [من 20 إلى 30 ألف جنيه مصري].``
    """
    return c.match.is_range


def unit_then_one(s: SentenceView, c: Candidate) -> bool:
    """A currency, measure or unit-like noun, then ``واحد``: one of it.

    Included: ``ولا يتجاوز سعرها [دولارا أمريكيا واحدا].``, ``تقدم الفريق بفارق [نقطة واحدة] على منافسه.``
    """
    return c.match.unit_first


def one_counting_its_noun(s: SentenceView, c: Candidate) -> bool:
    """``واحد/واحدة`` after the noun it counts (:func:`train.claims.entities.noun_counted_by_one`).

    Included: ``يستخدم فيسبوك مرة [واحدة] يوميا.``, ``أعلنت الوزارة مقتل شخص [واحد على الأقل].``
    """
    return noun_counted_by_one(s, c) is not None


def vague_amount(s: SentenceView, c: Candidate) -> bool:
    """A vague amount: bounds and no value.

    Included: ``هرب [عشرات الألوف] عبر الممرات.``, ``وتجمع [ألوف] المتظاهرين في الساحة.``
    """
    return c.match.number.vague and not c.match.is_range


def fraction(s: SentenceView, c: Candidate) -> bool:
    """A fraction.

    Included: ``سيطر التنظيم على [نحو ثلث] العراق.``
    """
    return c.match.quantity.kind == "fraction"


def amount_with_marker(s: SentenceView, c: Candidate) -> bool:
    """A number with its currency, percent or measure marker.

    Included: ``بلغت قيمة الشركة [1 ترليون دولار].``, ``يضم الحقل [ثلاثين تريليون قدم مكعبة] من الغاز.``,
    ``بلغ سعره [100 كرونة سويدية].``
    """
    return c.match.marker is not None


def count(s: SentenceView, c: Candidate) -> bool:
    """A number, perhaps with an approximator or comparator: a count.

    Included: ``وصل [50 ألف] شخص.``, ``وبلغ عدد اللاجئين في 2019 : [10000] شخص.``
    """
    return True


# The order they are tried in; the first that applies names what made the QTY.
INCLUSIONS: tuple[Rule, ...] = (
    range_of_numbers,
    unit_then_one,
    one_counting_its_noun,
    vague_amount,
    fraction,
    amount_with_marker,
    count,
)


def inclusion(s: SentenceView, c: Candidate) -> Rule:
    """The first rule of :data:`INCLUSIONS` that applies to the QTY ``c``."""
    return next(rule for rule in INCLUSIONS if rule(s, c))


def quantities(s: SentenceView) -> list[Candidate]:
    """Every quantity of the sentence that no exclusion applies to, left to right. The scan goes past the
    whole of every match, kept or excluded: no piece of an excluded quantity is read again alone
    (``منذ نحو سبع سنوات`` leaves no ``سبع سنوات``, ``في 13 مايو`` no ``مايو``), but for the ends of a
    range excluded as years (``من 2010 إلى 3000``: ``3000``)."""
    found: list[Candidate] = []
    i = 0
    while i < len(s.toks):
        c = s.candidate_at(i)
        if c is None:
            i += 1
            continue
        rule = exclusion(s, c)
        if rule is None:
            found.append(c)
        if rule is year and c.match.is_range:
            i += 1
            continue
        while i < len(s.toks) and s.toks[i].word <= c.last:
            i += 1
    return found


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Distance between two intervals (0 when they touch or overlap)."""
    return max(a[0] - b[1], b[0] - a[1], 0)


def clause_breaks(s: SentenceView) -> list[int]:
    """The words of the sentence that end a clause: a comma before a word with the conjunction ``و``, which
    opens a clause stating a further fact (``ولعب أوزيل 92 مرة للمنتخب، وانتخب أحسن لاعب منذ 2011``: the TIME
    of the second clause does not scope the first)."""
    return [w for w, word in enumerate(s.words) if word in COMMAS and s.word(s.next_word(w + 1)).startswith("و")]


def _across(breaks: list[int], a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether a clause break lies between the word intervals ``a`` and ``b``."""
    low, high = min(a[1], b[1]), max(a[0], b[0])
    return bisect_right(breaks, high) > bisect_left(breaks, low)


def sentence_claims(s: SentenceView, trace: dict[Span, dict] | None = None) -> list[Span]:
    """The QTY, ENT and TIME spans of one sentence: each QTY with its ENT, and the TIME nearest to each
    claim within :data:`MAX_TIME_GAP` words and no :func:`clause_breaks` away (a TIME may scope several).
    With ``trace``, why each span."""
    found = quantities(s)
    if not found:
        return []
    taken = {w for c in found for w in range(c.first, c.last + 1)}
    qty_spans = [s.span(c.first, c.last, "QTY") for c in found]
    spans = list(qty_spans)
    rules: list[str] | None = [] if trace is not None else None
    found_times = find_times(s, rules)
    timed = frozenset(w for t in found_times for w in range(t[0], t[1] + 1))
    claims: list[tuple[int, int]] = []  # words each claim covers: its QTY and its ENT
    for c, qty in zip(found, qty_spans):
        ent, why = counted_noun(s, c, taken, timed)
        if ent:
            taken.update(range(ent[0], ent[1] + 1))
            spans.append(s.span(*ent, "ENT"))
        claims.append((min(c.first, ent[0]), max(c.last, ent[1])) if ent else (c.first, c.last))
        if trace is not None:
            trace[qty] = {"rule": inclusion(s, c).__name__, "exclusions_passed": EXCLUSION_NAMES}
            if ent:
                trace[spans[-1]] = {"rule": why, "counted_by": qty}
            else:
                trace[qty]["entity"] = {"none": why}
    kept = [k for k, t in enumerate(found_times) if not taken.intersection(range(t[0], t[1] + 1))]
    times = [found_times[k] for k in kept]
    # times run left to right without overlap: those near a claim are one slice of them
    starts, ends = [t[0] for t in times], [t[1] for t in times]
    chosen: dict[tuple[int, int], list[Span]] = {}  # a TIME -> the QTYs it is nearest to
    breaks = clause_breaks(s)
    for claim, qty in zip(claims, qty_spans):
        near = times[bisect_left(ends, claim[0] - MAX_TIME_GAP) : bisect_right(starts, claim[1] + MAX_TIME_GAP)]
        near = [t for t in near if not _across(breaks, t, claim)]
        best = min(near, key=lambda t: (_gap(t, claim), t[0] < claim[0])) if near else None
        if best:
            chosen.setdefault(best, []).append(qty)
        if trace is not None:
            found_near = [s.span(*t, "TIME") for t in near]
            trace[qty]["time"] = {"rule": TIME_CHOICE, "candidates": found_near, "chosen": best and s.span(*best, "TIME")}
    spans.extend(s.span(*t, "TIME") for t in chosen)
    if trace is not None:
        for k, t in zip(kept, times):
            if t in chosen:
                trace[s.span(*t, "TIME")] = {"rule": rules[k], "nearest_to": chosen[t]}
    return sorted(spans)


def find_claims(text: str, trace: dict[Span, dict] | None = None) -> list[Span]:
    """QTY, ENT and TIME spans of the ``claims`` layer, non-overlapping, on word boundaries. Given a dict
    ``trace``, each span is put in it with why it was tagged: for a QTY, the inclusion rule and the
    exclusions it passed, why it has no ENT (when so), and the TIMEs near it and the one chosen; for an
    ENT or a TIME, its rule and its QTYs."""
    spans: list[Span] = []
    for sentence in split_sentences(text):
        spans.extend(sentence_claims(SentenceView(sentence.tokens), trace))
    return spans
