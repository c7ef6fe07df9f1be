"""Rule-based number-claim tagger and the linking of claim spans into normalized records.

:func:`find_claims` tags the ``claims`` layer of the annotation guidelines without a model:
``QTY`` (a quantity read by :mod:`train.claims.quantity`, with its approximator, comparator and marker),
``ENT`` (the counted noun phrase after it, without a leading partitive ``من``) and ``TIME`` (the
temporal expression of the sentence nearest to it). Spans start and end on the words of
:func:`train.data.text.tokenize`; a number glued to clitics (``لآلاف``, ``و60``) is tagged as its whole word.
A unit-like noun after the number (``لثلاثين يوماً``, ``35 نقطة``, ``22 سنتا``) and a per-unit
denominator (``75.30 دولار للبرميل``) are inside the ``QTY``; such a quantity counts no ``ENT``.
Invisible format characters (U+200E...) are words that normalize to nothing: the grammar reads across
them (``26\u200e%``) and the spans keep the article's offsets, never starting or ending on one.

Excluded, as the guidelines say: years and dates, days of the month, clock times, ordinals and
definite cardinals (``الثالث``, ``الثلاثة``, ``الـ15``, ``النصف``), ids and article or law numbers
(``المادة 103``, ``القرار 2216``, ``الدقيقة 90``), numbers inside names (``G20``, ``إف-16``,
``فرانس 24``), scores and other hyphen-joined numbers, vague non-numeric amounts (``أعداد كبيرة``, no
number word), durations that only locate an event (``قبل أربع سنوات``, ``منذ ثلاث سنوات``: those
after ``منذ/خلال`` become TIME), definite numbers with a unit-like noun (``الخمس سنوات الأخيرة``), a
unit-like noun glued to the number (``15عاما``), a lone ``واحد`` (one), ``نصف/ربع النهائي`` and words
spelled like numbers (``لست`` "I am not", ``وست هام``, ``ألّف`` "he wrote"). A year after a time
preposition (``منذ 2011``, ``بحلول 2030``) and a part of a year (``النصف الأول من العام``) are TIME.

:func:`readable_claims` drops the ``QTY`` spans of a model whose text reads as no number (a
stray word such as ``وملف``): every quantity of the guidelines has a value or a bound.
:func:`claim_records` turns any claims spans (the tagger's or a model's) into records: each ``QTY``
with its normalized quantity, its sentence, and the nearest ``ENT`` and ``TIME`` of that sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate

from train.claims.quantity import (
    APPROX,
    DASHES,
    FRACTIONS,
    HALF,
    HUNDREDS,
    SCALE_ALONE,
    SCALE_DUAL,
    TEEN_TAIL,
    TENS,
    TIME_UNIT_WORDS,
    UNITS,
    VAGUE,
    WEEKDAYS,
    Grammar,
    Match,
    Quantity,
    Tok,
    can_start,
    leading_context,
    lex,
    norm_word,
    parse_quantity,
    splits,
)
from train.data.spans import Span
from train.data.text import Sentence, Token, split_sentences

LAYER = "claims"
MAX_TIME_GAP = 8  # words between a claim (QTY and its ENT) and the TIME that scopes it


def _stems(*words: str) -> frozenset[str]:
    return frozenset(norm_word(w) for w in words)


MONTHS = _stems(
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "إبريل",
    "مايو",
    "يونيو",
    "يونيه",
    "يوليو",
    "يوليه",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين",
    "جانفي",
    "فيفري",
    "أفريل",
    "جوان",
    "جويلية",
    "أوت",
    "محرم",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
)
DAY = _stems("يوم", "يومي")
YEAR_WORDS = _stems("عام", "عامي", "سنة", "العام")
YEAR_CONTEXT = (
    YEAR_WORDS
    | MONTHS
    | _stems(
        "منذ",
        "حتى",
        "في",
        "خلال",
        "قبل",
        "بعد",
        "مطلع",
        "بداية",
        "نهاية",
        "أواخر",
        "أوائل",
        "أواسط",
        "منتصف",
        "حلول",
        "موسم",
        "صيف",
        "شتاء",
        "ربيع",
        "خريف",
        "مواليد",
        "ميزانية",
        "انتخابات",
        "مونديال",
        "أولمبياد",
        "يورو",
    )
)
ID_CONTEXT = _stems(
    "مادة",
    "بند",
    "فقرة",
    "فصل",
    "قانون",
    "قرار",
    "رقم",
    "مرسوم",
    "صفحة",
    "دقيقة",
    "ساعة",
    "جولة",
    "دورة",
    "مرحلة",
    "حلقة",
    "قرن",
    "فرانس",
    "نسخة",
    "إصدار",
    "طريق",
    "رحلة",
    "لواء",
    "فيلق",
    "كتيبة",
    "غرفة",
    "مقعد",
    "دقيقتين",
    "رؤية",
    "مرتبة",
    "مركز",
    "ترتيب",
    "نيكي",
    "فوتسي",
    "داكس",
    "بورز",
    "كاك",
    "بي",
)
# After a number, what it does not count: the number of the injured, not of their wounds (وأصيب 1400 بجروح).
NOT_COUNTED = _stems("بجروح", "بجراح", "بجرح", "بإصابات")
# The normalizer's units of time, and decades: a word the grammar leaves out (عقد is also "held"),
# safe here where it follows a number.
TIME_UNITS = TIME_UNIT_WORDS | _stems("عقد", "عقود", "عقدين")
LOCATING = _stems("قبل", "بعد", "منذ", "خلال", "طوال", "طيلة", "غضون", "مدى", "مدة")
TIME_PREPS = _stems("منذ", "خلال", "قبل", "بعد", "حتى", "طوال", "طيلة")
BY_THEN = _stems("حلول")
# النصف الأول من العام, الربع الثالث: a part of a year that names a time
PART_OF_YEAR = _stems("نصف", "ربع")
PART_ORDINALS = _stems("أول", "ثاني", "ثالث", "رابع", "أخير")
SCOPING_DURATION = _stems("منذ", "خلال", "طوال", "طيلة", "غضون")
PERIODS = _stems(
    "يوم",
    "يومين",
    "أيام",
    "ليلة",
    "أسبوع",
    "أسبوعين",
    "أسابيع",
    "شهر",
    "شهرين",
    "أشهر",
    "شهور",
    "عام",
    "عامين",
    "أعوام",
    "سنة",
    "سنتين",
    "سنوات",
    "ساعات",
    "ساعة",
    "عقد",
    "فترة",
    "موسم",
    "ربع",
    "نصف",
)
RELATIVE = _stems(
    "ماضي",
    "ماضية",
    "ماضيين",
    "سابق",
    "سابقة",
    "سابقين",
    "أخير",
    "أخيرة",
    "أخيرين",
    "مقبل",
    "مقبلة",
    "حالي",
    "حالية",
    "جاري",
    "جارية",
    "منصرم",
    "منصرمة",
    "فائت",
    "فائتة",
    "قادم",
    "قادمة",
)
THIS = _stems("هذا", "هذه")
YESTERDAY = _stems("أمس")
OTHERS = _stems("آخرين", "آخرون", "أخرى", "أخريات")
FINAL = _stems("نهائي", "نهائية")
PRICE = norm_word("ثمن")
MONTH_WORDS = MONTHS | _stems("شهر")
LAST, SIX, THOUSAND = norm_word("لست"), norm_word("ست"), norm_word("ألف")
SHADDA = "\u0651"
WEST_NAMES = _stems("هام", "بروميتش")
FROM = norm_word("من")
STOP = _stems(
    "في",
    "على",
    "إلى",
    "عن",
    "من",
    "مع",
    "أو",
    "ثم",
    "قد",
    "لا",
    "ما",
    "لم",
    "لن",
    "كان",
    "كانت",
    "منذ",
    "خلال",
    "قبل",
    "بعد",
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللتين",
    "اللواتي",
    "اللاتي",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "أن",
    "إن",
    "حتى",
    "عند",
    "بين",
    "حيث",
    "كما",
    "لكن",
    "بل",
    "هو",
    "هي",
    "هم",
    "فقط",
    "نحو",
    "حوالي",
    "أكثر",
    "أقل",
    "أي",
    "كل",
    "بعض",
    "جميع",
    "يوم",
    "أمس",
    "اليوم",
    "منهم",
    "منها",
    "بينهم",
    "بينها",
    "إلا",
    "إذا",
    "لدى",
    "ضد",
    "عبر",
    "دون",
    "فيها",
    "فيه",
    "عليه",
    "عليها",
    "الآن",
    "أيضا",
    "تقريبا",
    "وفق",
    "وفقا",
    "حسب",
    "بحسب",
    "لقد",
    "كذلك",
    "آخر",
    "غير",
    "سوى",
    "عام",
    "العام",
    "أمام",
    "لصالح",
)
NISBA_RE = re.compile(r"..+(?:ي|يه|يين|يون|يات)$")
LATIN_RE = re.compile(r"[A-Za-z]")
DASH_SLASH_COLON = frozenset("-–—/:+")
NUMBER_WORDS = (
    frozenset(UNITS)
    | frozenset(TENS)
    | frozenset(HUNDREDS)
    | frozenset(VAGUE)
    | frozenset(SCALE_ALONE)
    | frozenset(SCALE_DUAL)
    | frozenset(FRACTIONS)
)


def _has(word: str, stems: frozenset[str], article: bool | None = None) -> bool:
    """Whether the normalized ``word`` is one of ``stems`` under some clitics (with/without the article)."""
    for prefix, stem in splits(word):
        if stem in stems and (article is None or article == ("ال" in prefix or prefix.endswith("لل"))):
            return True
    return False


def _digits(word: str) -> bool:
    return word.isascii() and word.isdigit()


def _year_like(literal: str) -> bool:
    return _digits(literal) and len(literal) == 4 and 1900 <= int(literal) <= 2099


class _Sentence:
    """One sentence being tagged: its words, their normalized forms and their pieces."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.words = [norm_word(t.text) for t in tokens]
        self.toks: list[Tok] = lex([t.text for t in tokens])
        self.grammar = Grammar(self.toks)
        self.first_piece: dict[int, int] = {}  # word index -> its first piece
        for k, tok in enumerate(self.toks):
            self.first_piece.setdefault(tok.word, k)

    def word(self, w: int) -> str:
        return self.words[w] if 0 <= w < len(self.words) else ""

    def next_word(self, w: int, step: int = 1) -> int:
        """The index of the first visible word from ``w`` on in direction ``step``, skipping invisible
        format characters (U+200E...), which are words of their own that normalize to nothing."""
        while 0 <= w < len(self.words) and not self.words[w]:
            w += step
        return w

    def span(self, first_word: int, last_word: int, label: str) -> Span:
        return Span(self.tokens[first_word].start, self.tokens[last_word].end, label, LAYER)

    # QTY ----------------------------------------------------------------------------------------

    def quantities(self) -> list[tuple[int, int, Match]]:
        """(first word, last word, match) of every quantity kept."""
        found: list[tuple[int, int, Match]] = []
        i = 0
        while i < len(self.toks):
            tok = self.toks[i]
            match = self.grammar.expression(i) if tok.first and can_start(tok) else None
            kept = match is not None and self.keep(match)
            if kept:
                found.append((self.toks[match.start].word, self.toks[match.end - 1].word, match))
            # go past the whole match, also past a located duration or a score: neither is read again
            # from a later piece (منذ نحو سبع سنوات must not leave سبع سنوات)
            if kept or match is not None and (self.locates(match) or self.score(match)):
                last = self.toks[match.end - 1].word
                while i < len(self.toks) and self.toks[i].word <= last:
                    i += 1
            else:
                i += 1
        return found

    def score(self, m: Match) -> bool:
        """Whether ``m`` is a score read as a dash range: equal ends (1-1), or no unit, no scale word and
        nothing counted after it (1-3 أمام; not 20-25 من الجنود, 20-30 ألفا)."""
        if not m.is_range or not any(t.kind == "sym" and t.text in DASHES for t in self.toks[m.core_start : m.end]):
            return False
        after = self.word(self.next_word(self.toks[m.end - 1].word + 1))
        plain = m.marker is None and not m.number.scale and after != FROM and not self._noun(after)
        return m.quantity.lower == m.quantity.upper or plain

    def locates(self, m: Match) -> bool:
        """Whether ``m`` is a duration that only places an event in time (قبل أربع سنوات)."""
        first, last = self.toks[m.start].word, self.toks[m.end - 1].word
        before, after = self.word(self.next_word(first - 1, -1)), self.word(self.next_word(last + 1))
        return (_has(after, TIME_UNITS) or m.marker is not None and m.marker.time) and _has(before, LOCATING)

    def keep(self, m: Match) -> bool:
        toks, q = self.toks, m.quantity
        first, last = toks[m.start].word, toks[m.end - 1].word
        before, after = self.word(self.next_word(first - 1, -1)), self.word(self.next_word(last + 1))
        core = toks[m.core_start]
        if any(LATIN_RE.search(self.tokens[w].text) for w in range(first, last + 1)):
            return False
        if m.end < len(toks) and toks[m.end].word == last:
            return False  # a number glued to its noun (15عاما): no word boundary to split QTY from ENT
        loose = m.marker is not None and m.marker.loose
        if loose and not toks[m.marker.start].first:
            return False  # the same, when the noun glued to the number is unit-like (15عاما)
        # scores, clock times, ids: a number joined to another by - / : + (a unit word may end a
        # sentence part before a colon or dash: استغرق 90 دقيقة -)
        if any(
            0 <= k < len(toks) and toks[k].kind == "sym" and toks[k].text in DASH_SLASH_COLON
            for k in (m.start - 1, *((m.end,) if toks[m.end - 1].kind == "num" or not loose else ()))
        ):
            return False
        # a definite number: a rank or a reference (الثالث, الخمس سنوات الماضية), unless it has a
        # currency, measure or percent marker (الألف متر)
        if m.number.article and not m.number.vague and m.modifier is None and (m.marker is None or loose):
            return False
        if core.text == "و" + HALF:
            return False  # "and a half" after a noun (عامين ونصف, سنة ونصف سنة)
        # an identifier (الرحلة 370, المرتبة 12, نيكي 225), unless a unit follows (استمرت الرحلة 18 ساعة);
        # after a time unit, the seconds of a compound time (دقيقة و31.19 ثانية) are not a quantity alone
        if _has(before, ID_CONTEXT) and (m.marker is None or _has(before, TIME_UNITS)):
            return False
        # a date (الأحد 12 مايو, الجمعة 13 من الشهر), not a count after a weekday (وقتل السبت 20 شخصا)
        if _has(before, MONTHS) or _has(after, MONTHS) or _has(before, WEEKDAYS, True) and not self._noun(after):
            return False
        literals = [t.text for t in toks[m.core_start : m.end] if t.kind == "num"]
        # A year-like number is a count only before an indefinite noun (2000 شخص), never after a
        # year word or a definite noun (كأس العالم 2018, رؤية 2030).
        if (
            m.marker is None
            and m.modifier in (None, "lt", "le")
            and any(map(_year_like, literals))
            and (
                m.is_range
                or _has(before, YEAR_CONTEXT)
                or before.startswith("ال")
                or not self._noun(after)
                or after.startswith("ال")
                or after in ("م", "ه")
            )
        ):
            return False
        if any(_digits(t) and (t[0] == "0" and len(t) > 1 or len(t) >= 9) for t in literals):
            return False
        if self.locates(m):
            return False
        if m.marker is None and m.modifier is None and q.value == 1 and core.kind == "word":
            return False
        # a one-word number, alone or with a unit-like noun (السادس عشر, الاثني عشر شهرا)
        one_word = m.start == m.core_start and m.number.end - m.core_start == 1 and (m.end == m.number.end or loose)
        lone = [stem for _, stem in splits(core.text)] if one_word and core.kind == "word" else []
        # The tail of an ordinal (السادس عشر) or "and a half" after a noun (عامين ونصف).
        if lone and (
            lone[0] in TEEN_TAIL
            and (before.startswith("ال") and len(before) > 3 or _has(before, frozenset(UNITS)))
            or core.text == "و" + HALF
        ):
            return False
        if q.kind == "fraction" and (_has(after, FINAL) or any(s.startswith(PRICE) for _, s in splits(core.text))):
            return False  # ربع النهائي, ثمنها (its price)
        # a day of the month (في الـ14 من الشهر الجاري, يوم 15 من مايو)
        month = self.word(self.next_word(self.next_word(last + 1) + 1))
        if q.value is not None and q.value <= 31 and after == FROM and _has(month, MONTH_WORDS):
            return False
        if (
            one_word
            and core.kind == "word"
            and self._not_a_number(self.tokens[core.word].text, self.word(self.next_word(core.word + 1)))
        ):
            return False
        return not self.score(m)

    def _not_a_number(self, raw: str, after: str) -> bool:
        """Words spelled like a number (``raw``: as written; ``after``: the next word): لست (I am not,
        before a predicate: لست متأكدا, لست وحدك; six before a plural: لست طائرات), وست هام (West Ham),
        ألّف (he wrote, with a shadda)."""
        word = norm_word(raw)
        if any(stem == LAST and prefix in ("", "و", "ف") for prefix, stem in splits(word)):
            return not self._noun(after) or after.endswith("ا") or after.startswith(("وحد", "ال"))
        if any(stem == SIX for _, stem in splits(word)):
            return after in WEST_NAMES
        return SHADDA in raw and any(stem == THOUSAND for _, stem in splits(word))

    # ENT ----------------------------------------------------------------------------------------

    def entity(self, last: int, m: Match, taken: set[int]) -> tuple[int, int] | None:
        """Words (first, last) of the noun phrase the quantity ending at word ``last`` counts."""
        if m.quantity.kind in ("money", "measure"):
            return None
        w = self.next_word(last + 1)
        if self.word(w) and _has(self.word(w), OTHERS):
            w = self.next_word(w + 1)
        partitive = self.word(w) == FROM
        if partitive:
            w += 1
        elif m.quantity.kind == "percent" or m.quantity.kind == "fraction" and m.number.article:
            return None  # only a partitive follows a percentage or a definite fraction (أكثر من النصف بعدما)
        head = self.word(w)
        if (
            not self._noun(head)
            or head in NOT_COUNTED
            or w in taken
            or (m.quantity.kind == "percent" and not head.startswith("ال"))
        ):
            return None
        end = w
        while end + 1 < len(self.words) and end - w < 3 and end + 1 not in taken:
            nxt, prev = self.words[end + 1], self.words[end]
            definite = nxt.startswith("ال") and len(nxt) > 3
            nisba = not prev.startswith("ال") and NISBA_RE.fullmatch(nxt) is not None
            if not (definite or nisba) or not self._noun(nxt) or _has(nxt, WEEKDAYS | MONTHS | RELATIVE):
                break
            end += 1
        return w, end

    @staticmethod
    def _noun(word: str) -> bool:
        return bool(word) and word.isalpha() and word not in STOP and not any(stem in NUMBER_WORDS for _, stem in splits(word))

    # TIME ---------------------------------------------------------------------------------------

    def times(self) -> list[tuple[int, int]]:
        """(first, last) words of the temporal expressions of the sentence, left to right."""
        found: list[tuple[int, int]] = []
        w = 0
        while w < len(self.words):
            end = self._time_at(w)
            if end is None:
                w += 1
            else:
                start = w + 1 if self.words[w] == norm_word("في") else w
                found.append((start, end))
                w = end + 1
        return found

    def _time_at(self, w: int) -> int | None:
        word = self.words[w]
        if _has(word, TIME_PREPS) or word == norm_word("في"):
            if (end := self._bare_time_at(w + 1)) is not None:
                return end
            if _has(word, SCOPING_DURATION) and (end := self._duration_at(w + 1)) is not None:
                return end
            if _year_like(self.word(w + 1)) and not _has(self.word(w + 2), TIME_UNITS):
                return w + 1  # في 2014, منذ 2011, خلال 2018 (not قبل 2000 عام)
        if _has(word, BY_THEN) and _year_like(self.word(w + 1)):
            return w + 1  # بحلول 2030
        return None if word == norm_word("في") else self._bare_time_at(w)

    def _bare_time_at(self, w: int) -> int | None:
        word = self.word(w)
        if not word:
            return None
        if _has(word, DAY) and _has(self.word(w + 1), WEEKDAYS, True):
            end = w + 1
            if _has(self.word(w + 2), WEEKDAYS, True) and self.word(w + 2).startswith("وال"):
                end = w + 2
            return end
        if _has(word, WEEKDAYS, True):
            return w
        if _has(word, MONTHS, False) or (_digits(word) and int(word) <= 31 and _has(self.word(w + 1), MONTHS)):
            end = w + 1 if _digits(word) else w
            return end + 1 if _year_like(self.word(end + 1)) else end
        if _has(word, YEAR_WORDS) and _year_like(self.word(w + 1)):
            return w + 1
        if _has(word, THIS) and _has(self.word(w + 1), PERIODS, True):
            return w + 1
        if _has(word, YESTERDAY):
            return w
        if _has(word, PART_OF_YEAR, True) and _has(self.word(w + 1), PART_ORDINALS, True):
            return self._of_year(w + 1)
        if _has(word, PERIODS, True):
            end = w + 1
            if any(stem in UNITS for _, stem in splits(self.word(end))):
                end += 1
            if _has(self.word(end), RELATIVE, True):
                return end
        return None

    def _of_year(self, w: int) -> int | None:
        """The last word of ``من العام (الماضي)`` or ``من 2019`` after word ``w``; ``w`` when no ``من``
        follows; ``None`` when ``من`` names something else (``النصف الأول من المباراة``: not a time)."""
        if self.word(w + 1) != FROM:
            return w
        year = w + 2
        if _year_like(self.word(year)):
            return year
        if not _has(self.word(year), YEAR_WORDS):
            return None
        if _year_like(self.word(year + 1)) or _has(self.word(year + 1), RELATIVE, True):
            return year + 1
        return year

    def _duration_at(self, w: int) -> int | None:
        """A number of time units (``ثلاث سنوات``, ``نحو 24 ساعة``) starting at word ``w``."""
        i = self.first_piece.get(w)
        match = self.grammar.expression(i) if i is not None else None
        if match is None or match.modifier not in (None, APPROX):
            return None
        if match.marker is not None and match.marker.time:
            return self.toks[match.end - 1].word
        if match.quantity.kind != "count":
            return None
        unit = self.toks[match.end - 1].word + 1
        return unit if _has(self.word(unit), TIME_UNITS) else None

    # All ----------------------------------------------------------------------------------------

    def claims(self) -> list[Span]:
        quantities = self.quantities()
        if not quantities:
            return []
        taken = {w for first, last, _ in quantities for w in range(first, last + 1)}
        spans = [self.span(first, last, "QTY") for first, last, _ in quantities]
        claims: list[tuple[int, int]] = []  # words each claim covers: its QTY and its ENT
        for first, last, match in quantities:
            ent = self.entity(last, match, taken)
            if ent:
                taken.update(range(ent[0], ent[1] + 1))
                spans.append(self.span(*ent, "ENT"))
            claims.append((first, ent[1] if ent else last))
        times = [t for t in self.times() if not taken.intersection(range(t[0], t[1] + 1))]
        # times run left to right without overlap: those near a claim are one slice of them
        starts, ends = [t[0] for t in times], [t[1] for t in times]
        chosen: set[tuple[int, int]] = set()
        for claim in claims:
            near = times[bisect_left(ends, claim[0] - MAX_TIME_GAP) : bisect_right(starts, claim[1] + MAX_TIME_GAP)]
            if near:
                chosen.add(min(near, key=lambda t: (_gap(t, claim), t[0] < claim[0])))
        spans.extend(self.span(*t, "TIME") for t in chosen)
        return sorted(spans)


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Distance between two intervals (0 when they touch or overlap)."""
    return max(a[0] - b[1], b[0] - a[1], 0)


def find_claims(text: str) -> list[Span]:
    """QTY, ENT and TIME spans of the ``claims`` layer, non-overlapping, on word boundaries."""
    spans: list[Span] = []
    for sentence in split_sentences(text):
        spans.extend(_Sentence(sentence.tokens).claims())
    return spans


class _Nearest:
    """The span of sorted ``spans`` nearest to a QTY: the least (gap, starts before the QTY), the first
    such in order. Each look-up takes logarithmic time, so a sentence's records stay linear in it."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.starts = [s.start for s in spans]
        self.reach = list(accumulate((s.end for s in spans), max))  # the furthest end so far

    def __call__(self, qty: Span) -> Span | None:
        before = bisect_left(self.starts, qty.start)  # spans[:before] start before the QTY
        best: tuple[int, bool, int] | None = None
        if before:  # the gap of one of them is how far its end falls short of the QTY's start
            gap = max(qty.start - self.reach[before - 1], 0)
            best = (gap, True, bisect_left(self.reach, qty.start - gap, 0, before))
        if before < len(self.spans):  # the nearest of the others is the first: its gap is its start's distance
            gap = max(self.starts[before] - qty.end, 0)
            if best is None or gap <= best[0]:  # a tie goes to the span that does not start before
                best = (gap, False, before)
        return None if best is None else self.spans[best[2]]


def _owners(quantities: list[Span], entities: list[Span]) -> dict[Span, list[Span]]:
    """Each ENT belongs to the last QTY before it (Arabic counts its noun after the number), or to the
    first QTY of the sentence when none comes before it. ``quantities`` are sorted."""
    owned: dict[Span, list[Span]] = {}
    starts = [q.start for q in quantities]
    for ent in entities:
        before = bisect_left(starts, ent.start)  # quantities[:before] start before the ENT
        owned.setdefault(quantities[before - 1] if before else quantities[0], []).append(ent)
    return owned


def _sentence_index(sentences: list[Sentence]) -> Callable[[Span], int]:
    """Span -> index of the sentence it starts in."""
    starts = [s.start for s in sentences]
    return lambda span: max(bisect_right(starts, span.start) - 1, 0)


def _read(text: str, qty: Span, sentence_end: int) -> Quantity:
    """The record of ``qty``, read with the rest of its sentence as context (as :func:`claim_records` does)."""
    return parse_quantity(text[qty.start : qty.end], context_after=leading_context(text, qty.end, max(sentence_end, qty.end)))


def readable_claims(text: str, spans: Iterable[Span]) -> list[Span]:
    """``spans`` less the ``QTY`` spans whose record has no value and no bound."""
    sentences = split_sentences(text)
    sentence_of = _sentence_index(sentences)
    return [
        span
        for span in spans
        if span.label != "QTY" or _read(text, span, sentences[sentence_of(span)].end if sentences else len(text)).has_number
    ]


def claim_records(text: str, spans: Iterable[Span]) -> list[dict]:
    """One record per QTY span: its normalized quantity, sentence, and nearest ENT and TIME there.

    Works on any claims spans (rule or model output): spans are assigned to the sentence of
    :func:`train.data.text.split_sentences` in which they start, and only same-sentence spans link. A TIME
    may scope several QTYs; an ENT links only to the QTY that owns it (see :func:`_owners`), so the
    noun counted by one number is not lent to a neighbouring amount of money.
    """
    sentences = split_sentences(text)
    sentence_of = _sentence_index(sentences)
    by_label: dict[str, dict[int, list[Span]]] = {"QTY": {}, "ENT": {}, "TIME": {}}
    for span in sorted(spans):
        if span.layer == LAYER and span.label in by_label:
            by_label[span.label].setdefault(sentence_of(span), []).append(span)
    records = []
    for index, quantities in sorted(by_label["QTY"].items()):
        sentence: Sentence | None = sentences[index] if sentences else None
        s_start, s_end = (sentence.start, sentence.end) if sentence else (0, len(text))
        owned = _owners(quantities, by_label["ENT"].get(index, []))
        nearest_time = _Nearest(by_label["TIME"].get(index, []))
        for qty in quantities:
            quantity = _read(text, qty, s_end)
            entity = _Nearest(owned.get(qty, []))(qty)
            time = nearest_time(qty)
            records.append(
                {
                    "text": text[qty.start : qty.end],
                    "start": qty.start,
                    "end": qty.end,
                    **quantity.to_dict(),
                    "entity": text[entity.start : entity.end] if entity else None,
                    "entity_start": entity.start if entity else None,
                    "entity_end": entity.end if entity else None,
                    "time": text[time.start : time.end] if time else None,
                    "time_start": time.start if time else None,
                    "time_end": time.end if time else None,
                    "sentence": text[s_start:s_end],
                    "sentence_start": s_start,
                }
            )
    return records
