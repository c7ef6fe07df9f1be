"""The rule tagger's ENT: the noun phrase a quantity counts or measures (:mod:`train.claims.rules` tags it).

:func:`counted_noun` finds it right after the quantity (``قتل 25 شخصا``), or right before a ``واحد`` that
counts the noun it follows (``مرة واحدة``, :func:`noun_counted_by_one`); for money, percentages and measures
it is what the amount measures: a partitive after it (:func:`measured_after`) or the noun phrase before it,
past the verbs and words that link a variable to its amount (:func:`measured_variable`). It says why when
there is none.
Each docstring gives examples (``[...]`` marks the ENT; ``tests/test_rules.py`` checks them).
"""

from __future__ import annotations

import re

from train.claims.lexicon import (
    AGE_LINKS,
    AGE_UNITS,
    FROM,
    IN,
    INNER_NOUN_WORDS,
    MEASURE_LINKS,
    MEASURE_PARTICLES,
    MONTHS,
    NOT_COUNTED,
    ONE_AFTER,
    ONE_IDIOMS,
    OTHERS,
    RELATIVE,
    STOP,
    VALUE_WORDS,
    WEEKDAYS,
)
from train.claims.sentence import Candidate, SentenceView, has, is_noun
from train.claims.words import DEFINITE_RE, norm_word
from train.data.text import normalize

NISBA_RE = re.compile(r"..+(?:ي|يه|يين|يون|يات)$")
PREPOSITIONAL_RE = re.compile(r"[وف]?[بك]ال")  # بالعملة: a prepositional phrase, not the variable
MAX_BACK = 10  # visible words between an amount and the end of the variable it measures, at most
MAX_PHRASE = 5  # words of a measured variable, at most
ONE = "واحد"  # as written, before the spelling is normalized
FEMININE_ONE = norm_word("واحدة")

# Why a quantity has no ENT (what --explain says).
UNCOUNTED_KIND = "no noun phrase it measures stands before it, or as a partitive after it"
PARTITIVE_ONLY = "a percentage or a definite fraction counts only a definite partitive (من ال...)"
NO_NOUN = "no noun phrase it counts follows it"


def noun_counted_by_one(s: SentenceView, c: Candidate) -> int | None:
    """The word before ``c`` when ``c`` is a bare ``واحد/واحدة`` that counts it: an indefinite noun of its
    gender (``مرة واحدة``, ``شخص واحد``), not an idiom (``في آن واحد``), and no ``من`` after the number
    (``واحد من أربعة``: "one of", a pronoun); written ``واحد``, not ``وأحد`` ("and one of").

    Counted: ``يستخدم فيسبوك [مرة] واحدة يوميا.``, ``قتل [شخص] واحد على الأقل.``
    Uncounted: ``وهو واحد من أربعة مشاريع قوانين.``, ``شحن 3 أجهزة في وقت واحد.``, ``وأصابت واحدة صحفية بعلبة.``,
    ``قتل 3 من الإرهابيين واستشهاد رجل أمن وأحد المدنيين.``
    """
    m = c.match
    if m.marker is not None or m.start != m.core_start or c.core.text not in ONE_AFTER or c.after == FROM:
        return None
    if not normalize(s.tokens[c.core.word].text).startswith(ONE):  # وأحد (and one of) reads as واحد
        return None
    before = c.before
    if not is_noun(before) or DEFINITE_RE.match(before) or has(before, ONE_IDIOMS):
        return None
    if (c.core.text == FEMININE_ONE) != before.endswith("ه"):  # واحدة after a feminine noun, واحد after another
        return None
    return s.next_word(c.first - 1, -1)


def counted_noun(
    s: SentenceView, c: Candidate, taken: set[int], timed: frozenset[int] = frozenset()
) -> tuple[tuple[int, int] | None, str]:
    """The ENT of ``c``: words (first, last) of the noun phrase it counts, right after it (past
    ``آخرون``, without a partitive ``من``; not a weekday or a month), extended by up to three definite,
    coordinated definite (``القتلى والجرحى``) or nisba words, or an adjective in the accusative of an
    indefinite head (``جنديا مسلحا``); or the noun
    before a ``واحد`` that counts it (:func:`noun_counted_by_one`). With it, the name of the rule that
    found it, or (no ENT) the reason. Money, measures and a percentage without a definite partitive have
    the variable they measure (:func:`measured_after`, :func:`measured_variable`; ``timed``: the words of the
    sentence's TIMEs, which they pass over); a definite fraction counts only a definite partitive.

    Counted: ``قتل 25 [شخصا] في الهجوم يوم الأحد.``, ``قتل 20-25 من [الجنود] في الهجوم.``,
    ``وقدمت الحكومة 100 مليون دولار لإيواء ما بين 10 و12 ألف [نازح] خلال العام الماضي.``,
    ``قتل حوالى 50 [جنديا مسلحا] في الهجوم.``, ``سقط عشرات [القتلى والجرحى] في القصف.``
    Uncounted: ``وأصيب 1400 بجروح.``, ``ووصل إلى 120 كيلومترا.``, ``وانخفضت الكلفة بأكثر من النصف وأصبحت أرخص.``,
    ``وجرح ستة آخرين السبت.``
    """
    kind = c.match.quantity.kind
    if kind in ("money", "measure"):
        return _measured(s, c, taken, timed)
    before = noun_counted_by_one(s, c)
    if before is not None:
        return (None, NO_NOUN) if before in taken else ((before, before), noun_counted_by_one.__name__)
    w = s.next_word(c.last + 1)
    if s.word(w) and has(s.word(w), OTHERS):
        w = s.next_word(w + 1)
    partitive = s.word(w) == FROM
    if partitive:
        w += 1
    elif kind == "percent":
        return _measured(s, c, taken, timed)
    elif kind == "fraction" and c.match.number.article:
        return None, PARTITIVE_ONLY  # أكثر من النصف بعدما
    head = s.word(w)
    if not is_noun(head) or head in NOT_COUNTED or w in taken or has(head, WEEKDAYS | MONTHS):
        return None, NO_NOUN
    if kind == "percent" and not _definite_phrase(s, w):
        return _measured(s, c, taken, timed)
    end = w
    while end + 1 < len(s.words) and end - w < 3 and end + 1 not in taken:
        nxt, prev = s.words[end + 1], s.words[end]
        definite = nxt.startswith("ال") and len(nxt) > 3
        coordinated = prev.startswith("ال") and nxt.startswith("وال") and len(nxt) > 4  # القتلى والجرحى
        nisba = not prev.startswith("ال") and NISBA_RE.fullmatch(nxt) is not None
        agreeing = prev.endswith("ا") and nxt.endswith("ا") and not nxt.endswith("وا") and len(nxt) > 3 and end == w
        if not (definite or coordinated or nisba or agreeing) or not is_noun(nxt) or has(nxt, WEEKDAYS | MONTHS | RELATIVE):
            break
        end += 1
    return (w, end), counted_noun.__name__


def _definite_phrase(s: SentenceView, w: int) -> bool:
    """Whether word ``w`` is definite or the indefinite head of a definite construct (``أصحاب العمل``)."""
    return bool(DEFINITE_RE.match(s.word(w))) or bool(DEFINITE_RE.match(s.word(w + 1)))


def _measured(s: SentenceView, c: Candidate, taken: set[int], timed: frozenset[int]) -> tuple[tuple[int, int] | None, str]:
    """The variable an amount measures: :func:`measured_after`, else :func:`measured_variable`."""
    for rule in (measured_after, measured_variable):
        if (found := rule(s, c, taken, timed)) is not None:
            return found, rule.__name__
    return None, UNCOUNTED_KIND


def measured_after(s: SentenceView, c: Candidate, taken: set[int], timed: frozenset[int] = frozenset()) -> tuple[int, int] | None:
    """What an amount measures, written after it: a definite partitive ``من`` (or, after a percentage,
    ``في``) and its noun phrase (:func:`_phrase_from`).

    Counted: ``وقعت اتفاقية لتزويد الصين بحوالي 3.4 مليون طن من [الغاز الطبيعي المسال] سنويا.``,
    ``وجدت أن 36 في المئة من [أصحاب العمل] فكروا بذلك.``, ``وسجلت زيادة بنسبة 1,5 بالمئة في [عدد السياح الوافدين].``
    """
    w = s.next_word(c.last + 1)
    if not (s.word(w) == FROM or s.word(w) == IN and c.match.quantity.kind == "percent"):
        return None
    w = s.next_word(w + 1)
    if not is_noun(s.word(w)) or w in taken | timed or not _definite_phrase(s, w):
        return None
    return _phrase_from(s, w, taken | timed)


def _phrase_from(s: SentenceView, w: int, blocked: set[int]) -> tuple[int, int]:
    """Words (``w``, last) of the noun phrase headed by word ``w``: its definite words after it, up to
    :data:`MAX_PHRASE` words."""
    end = w
    while end + 1 < len(s.words) and end + 1 - w < MAX_PHRASE and end + 1 not in blocked:
        nxt = s.words[end + 1]
        if not (DEFINITE_RE.match(nxt) and is_noun(nxt)) or PREPOSITIONAL_RE.match(nxt) or has(nxt, RELATIVE):
            break
        end += 1
    return w, end


def measured_variable(
    s: SentenceView, c: Candidate, taken: set[int], timed: frozenset[int] = frozenset()
) -> tuple[int, int] | None:
    """What an amount measures, written before it: going back from the amount past the words that link a
    variable to its amount (``بلغت``, ``ارتفعت``, ``بنسبة``, ``قدرها``: ``measure_links`` of the lexicon) and
    its TIMEs, the noun phrase that ends there: definite words back to the first (``بلغت [الصادرات غير
    النفطية]``) or to the indefinite head of the phrase (``[أرباح الشركة]``, ``[غرامة]``). A prepositional phrase
    (``بالعملة الصعبة``, and ``في فنزويلا`` past a link) is passed over, and so is the parenthesis of an amount
    written in parentheses after its variable (``فاس (39 في المائة)``); an age goes back past ``البالغ من العمر``
    and commas to the person. The search stops at punctuation, at
    another quantity, and :data:`MAX_BACK` words back. A definite phrase with no link word on either side is
    the subject of some other verb, not what is measured (``وقدمت الحكومة 100 مليون دولار``: none).

    Counted: ``بلغت [الصادرات غير النفطية] 12.7 مليار دولار.``, ``ارتفعت [طلبات اللجوء] بنسبة 31 بالمئة.``,
    ``وحققت الشبكة [أرباحا] بلغت حوالي 40 مليار دولار العام الماضي.``,
    ``وتراجعت [أرباح الشركة] خلال النصف الأول من العام الجاري بنحو 12%.``,
    ``وبلغت [عائدات السياحة] بالعملة الصعبة 69,7 مليار درهم.``, ``انخفض [إجمالي الناتج المحلي] في فنزويلا بنسبة 45%.``,
    ``سجلت أعلى نسب النمو في مدن فاس (39 في المائة) [وورزازات] (37 في المائة).``,
    ``واحتجز [هيدجيز] ،31 عاما، في المطار.``, ``ستقدم الصين [قروضا للتنمية الاقتصادية] بقيمة 20 مليار دولار.``
    Uncounted: ``وارتفعت بنسبة 5% أمس.``, ``ووصل إلى 120 كيلومترا.``, ``وقدمت الحكومة 100 مليون دولار.``
    """
    w, seen, linked, past_phrase = s.next_word(c.first - 1, -1), 0, False, False
    age = s.word(c.last) in AGE_UNITS
    if s.word(w) == "(" or age and s.word(w) in ("،", ","):  # فاس (39 في المائة), هيدجيز، 31 عاما
        w = s.next_word(w - 1, -1)
    links = MEASURE_LINKS | AGE_LINKS if age else MEASURE_LINKS
    while w >= 0 and seen < MAX_BACK:
        word = s.word(w)
        if w in timed or has(word, links) or word == IN and w + 1 in timed or age and word in ("،", ","):
            linked = linked or has(word, links)
            w, seen = s.next_word(w - 1, -1), seen + 1
            continue
        first = _phrase_back(s, w, taken | timed)
        if first is None:
            return None
        before = s.word(s.next_word(first - 1, -1))
        if PREPOSITIONAL_RE.match(s.word(first)) or before == IN and linked:  # in/of something: look before it
            seen, past_phrase = seen + w - first + 2, True
            w = s.next_word(first - (2 if before == IN else 1), -1)
            continue
        if past_phrase and not DEFINITE_RE.match(s.word(w)):  # مات في عمر تراوح: no phrase before it
            return None
        # a definite phrase right before the amount is the subject of some verb (وقدمت الحكومة 100 مليون دولار)
        # unless a link verb stands on one side of it
        if linked or has(before, MEASURE_LINKS - MEASURE_PARTICLES) or not DEFINITE_RE.match(s.word(first)):
            return _valued(s, first, w, taken | timed)
        return None
    return None


def _valued(s: SentenceView, first: int, last: int, blocked: set[int]) -> tuple[int, int]:
    """The phrase (``first``, ``last``), or, when it is a bare ``قيمة`` (``قيمتها``, ``بقيمة``), the noun
    phrase before it (past link words) whose value it is (``[قروض للتنمية الاقتصادية] بقيمة 20 مليار دولار``)."""
    if first != last or not has(s.word(first), VALUE_WORDS):
        return first, last
    end = s.next_word(first - 1, -1)
    while end >= 0 and has(s.word(end), MEASURE_LINKS):  # تحويلات الأجانب قد بلغت قيمتها
        end = s.next_word(end - 1, -1)
    owner = _phrase_back(s, end, blocked) if end >= 0 else None
    return (first, last) if owner is None else (owner, end)


def _phrase_back(s: SentenceView, end: int, blocked: set[int]) -> int | None:
    """The first word of the noun phrase ending at word ``end``: back over definite words (and ``غير``
    between two of them) to the first, or to an indefinite head (``أرباح الشركة``, ``غرامة``), never to a
    word that reads as a verb (:func:`_verb_like`); ``None`` when word ``end`` is no noun."""
    first, w = None, end
    while w >= 0 and end - w < MAX_PHRASE:
        word = s.word(w)
        if first is not None and has(word, INNER_NOUN_WORDS) and DEFINITE_RE.match(s.word(w - 1)):
            w -= 1
            continue
        if w in blocked or len(word) < 2 or not is_noun(word) or has(word, STOP | MEASURE_LINKS | WEEKDAYS | MONTHS):
            break
        if word.endswith("وا"):  # قدروا: a plural verb
            break
        definite = DEFINITE_RE.match(word) is not None
        if not definite and first is not None and _verb_like(s, w):  # واستمرت [الرحلة]: a verb, then its subject
            break
        first = w
        if PREPOSITIONAL_RE.match(word) or not definite:
            break  # the indefinite head (أرباح الشركة, غرامة), or a prepositional phrase
        w -= 1
    return first


def _verb_like(s: SentenceView, w: int) -> bool:
    """Whether the indefinite word ``w`` before a definite word reads as a verb rather than the head of a
    construct: a past feminine (``استمرت``, not a plural in ``ات``), an imperfect (``ويمتد``, ``يبلغ``), or a
    word with a conjunction opening its clause (``وأنهى السهم``), an imperfect in ``ت`` or ``ن`` opening it
    (``تطبق الضريبة``)."""
    word = s.word(w)
    bare = word[1:] if word[:1] in "وف" else word
    opens = not s.word(s.next_word(w - 1, -1)).isalpha()
    imperfect = bare.startswith(("ي", "لي")) or opens and bare.startswith(("ت", "ن")) and not bare.endswith("ات")
    return word.endswith("ت") and not word.endswith("ات") or imperfect or bare != word and opens
