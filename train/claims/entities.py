"""The rule tagger's ENT: the noun phrase a quantity counts (:mod:`train.claims.rules` tags it).

:func:`counted_noun` finds it right after the quantity (``قتل 25 شخصا``), or right before a ``واحد`` that
counts the noun it follows (``مرة واحدة``, :func:`noun_counted_by_one`), and says why when there is none.
Each docstring gives examples (``[...]`` marks the ENT; ``tests/test_rules.py`` checks them).
"""

from __future__ import annotations

import re

from train.claims.lexicon import FROM, MONTHS, NOT_COUNTED, ONE_AFTER, ONE_IDIOMS, OTHERS, RELATIVE, WEEKDAYS
from train.claims.sentence import Candidate, SentenceView, has, is_noun
from train.claims.words import DEFINITE_RE, norm_word
from train.data.text import normalize

NISBA_RE = re.compile(r"..+(?:ي|يه|يين|يون|يات)$")
ONE = "واحد"  # as written, before the spelling is normalized
FEMININE_ONE = norm_word("واحدة")

# Why a quantity has no ENT (what --explain says).
UNCOUNTED_KIND = "money and measures count nothing"
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


def counted_noun(s: SentenceView, c: Candidate, taken: set[int]) -> tuple[tuple[int, int] | None, str]:
    """The ENT of ``c``: words (first, last) of the noun phrase it counts, right after it (past
    ``آخرون``, without a partitive ``من``; not a weekday or a month), extended by up to three definite or
    nisba words; or the noun
    before a ``واحد`` that counts it (:func:`noun_counted_by_one`). With it, the name of the rule that
    found it, or (no ENT) the reason. Money and measures count nothing; a percentage or a definite
    fraction counts only a definite partitive.

    Counted: ``قتل 25 [شخصا] في الهجوم يوم الأحد.``, ``قتل 20-25 من [الجنود] في الهجوم.``,
    ``وقدمت الحكومة 100 مليون دولار لإيواء ما بين 10 و12 ألف [نازح] خلال العام الماضي.``
    Uncounted: ``وأصيب 1400 بجروح.``, ``ويمتد الطريق 120 كيلومترا.``, ``وانخفضت الكلفة بأكثر من النصف وأصبحت أرخص.``,
    ``وجرح ستة آخرين السبت.``
    """
    kind = c.match.quantity.kind
    if kind in ("money", "measure"):
        return None, UNCOUNTED_KIND
    before = noun_counted_by_one(s, c)
    if before is not None:
        return (None, NO_NOUN) if before in taken else ((before, before), noun_counted_by_one.__name__)
    w = s.next_word(c.last + 1)
    if s.word(w) and has(s.word(w), OTHERS):
        w = s.next_word(w + 1)
    partitive = s.word(w) == FROM
    if partitive:
        w += 1
    elif kind == "percent" or kind == "fraction" and c.match.number.article:
        return None, PARTITIVE_ONLY  # أكثر من النصف بعدما
    head = s.word(w)
    if not is_noun(head) or head in NOT_COUNTED or w in taken or has(head, WEEKDAYS | MONTHS):
        return None, NO_NOUN
    if kind == "percent" and not head.startswith("ال"):
        return None, PARTITIVE_ONLY
    end = w
    while end + 1 < len(s.words) and end - w < 3 and end + 1 not in taken:
        nxt, prev = s.words[end + 1], s.words[end]
        definite = nxt.startswith("ال") and len(nxt) > 3
        nisba = not prev.startswith("ال") and NISBA_RE.fullmatch(nxt) is not None
        if not (definite or nisba) or not is_noun(nxt) or has(nxt, WEEKDAYS | MONTHS | RELATIVE):
            break
        end += 1
    return (w, end), counted_noun.__name__
