"""Arabic quantity normalizer: reads a quantity expression into the normalized record of a number claim.

No model: a small hand-written grammar over words, following every convention of the annotation
guidelines (``shared/guidelines/annotation.md``, "The normalized record of a number claim").

Forms covered
-------------
* Digits in ASCII ``0-9``, Arabic-Indic ``٠-٩`` and Persian ``۰-۹``. ``٫`` is a decimal mark, ``٬`` a
  thousands mark; ``,`` ``،`` ``.`` are thousands marks when every group after the first has three
  digits and no scale word follows, otherwise decimal marks (``102.400`` = 102400, ``1.26 مليون`` =
  1260000, ``10,8`` = 10.8). A number written against its marker or clitics is read (``14بالمئة``,
  ``لـ12.7 مليار``, ``و30``).
* Number words 0..999 in every gender and case: units (``ثلاث/ثلاثة``, ``اثنين``), teens (``أحد عشر``,
  ``إحدى عشرة``, ``ثلاث عشرة``), tens (``عشرون/عشرين``), compounds with ``و`` (``خمسة وعشرون``),
  hundreds (``مئة/مائة``, ``مئتان/مئتين/مائتين/مئتا/مئتي``, ``ثلاثمائة``, ``ثلاث مئة``) and
  ``ثلاثمائة وخمسون``.
* Scale words ``ألف/آلاف``, ``مليون/ملايين``, ``مليار/مليارات/بليون`` (and ``تريليون`` 10^12, not
  in the guidelines, same rules) after a digit or word number (``60 ألف``, ``3.5 مليون``,
  ``ستون ألفا``: after a number ``ألفا``/``مليونا`` are the singular multiplier), alone (``ألف`` =
  1000, ``مليون`` = 10^6), as duals in every case and construct form
  (``ألفان/ألفين/ألفا/ألفي``, ``مليونان/مليونين/مليونا/مليوني``, ``ملياران...``), continued with ``و``
  (``ثلاثة آلاف وخمسمائة`` = 3500, ``مليون و200 ألف``, ``مليون ونصف`` = 1.5 million), and after a
  fraction (``نصف مليون`` = 500000, a count).
* Vague plurals, value null, both bounds inclusive: ``بضع/بضعة`` [3, 9], ``عشرات`` [30, 99], ``مئات``
  [300, 999], ``آلاف`` [3000, 9999], ``ملايين``, ``مليارات``; a vague plural before a plural scale word
  spans whole decades of it (``عشرات الآلاف`` [30000, 99999], ``مئات الآلاف``, ``عشرات الملايين``);
  ``بضعة`` before a plural multiplies (``بضعة آلاف`` [3000, 9000], ``بضع مئات`` [300, 900]);
  ``نيف وعشرون`` / ``عشرون ونيف`` [21, 29] (and times a scale).
* Fractions, kind ``fraction``: ``نصف`` 1/2, ``ثلث``, ``ربع``, ``خمس``, ``سدس``, ``سبع``, ``ثمن``,
  ``تسع``, ``عشر`` 1/10; duals ``ثلثا/ثلثي/ثلثان/ثلثين`` 2/3; ``ثلاثة أرباع`` 3/4 (any unit times
  ``أثلاث/أرباع/أخماس...``); a pronoun suffix keeps the value (``ثلثاهم``, ``نصفهم``).
  ``خمس/سبع/تسع/عشر`` are also feminine cardinals: they read as fractions when nothing follows or a
  definite word follows (``خمس السكان``) and as cardinals before an indefinite noun or a marker
  (``خمس سنوات`` = 5), which is why :func:`parse_quantity` takes the text that follows.
* Approximators (``approx``, value kept, no bounds): ``نحو``, ``حوالي/حوالى``, ``قرابة``, ``زهاء``,
  ``ما يقارب``, ``ما يقرب من``, ``ما يناهز``, ``حدود/في حدود``, ``تقريبا`` (before or after), and the
  verbs of approaching right before the number: ``يقارب/تقارب``, ``يناهز/تناهز``, ``يقترب/تقترب من``.
* Comparators (value null): lower exclusive ``أكثر من``, ``ما يزيد على/عن``, ``أزيد من``,
  ``ما يربو على``; lower inclusive ``لا يقل عن``, ``ما لا يقل عن``, trailing ``على الأقل``; upper
  exclusive ``أقل من``, ``دون``; upper inclusive ``حتى``, ``ما يصل إلى``, ``لا يزيد على/عن``,
  trailing ``على الأكثر`` (feminine verb forms ``تزيد/تقل/تصل`` too).
* Ranges, both bounds inclusive, value null: ``بين X و Y``, ``ما بين X و Y``, ``من X إلى/حتى Y``,
  ``X-Y``; the scale and marker written after ``Y`` apply to ``X`` (``بين 10 و12 ألف`` =
  [10000, 12000]). ``X`` must not exceed ``Y`` (``من 50 إلى 40`` is a change, not a range: unread).
* Percent (kind ``percent``, unit ``%``, value 20 for 20%): ``%``, ``٪``, ``في المئة/المائة``,
  ``بالمئة/بالمائة``.
* Money (kind ``money``): currency words and signs with ISO 4217 codes (``دولار`` and ``$`` USD,
  ``يورو`` and ``€`` EUR, ``جنيه إسترليني`` and ``£`` GBP, ``ريال سعودي`` SAR, ``درهم إماراتي`` AED,
  ``دينار كويتي`` KWD, ``جنيه مصري`` EGP, ``ليرة تركية`` TRY and other qualified Arab currencies);
  an unqualified ``جنيه/ريال/دينار/درهم/ليرة`` keeps ``currency`` null with ``unit`` set.
* Measures (kind ``measure``): ``كيلومتر/كلم/كم``, ``متر``, ``ميل``, ``طن``, ``كيلوغرام``, ``غرام``,
  ``لتر``, ``برميل``, ``هكتار``, ``دونم``, ``ميغاواط``, ``كيلوواط``, ``غيغاواط`` and ``مربع/مكعب``.
* Unit-like nouns, unit kept as written: units of time (``لثلاثين يوماً``, ``7 سنوات``, ``18 ساعة``:
  kind ``measure``, flagged as a duration), other measures (``درجة``, ``نقطة``, ``نقطة مئوية``,
  ``حصاناً``, ``بوصة``, ``فدان``...) and currency subunits (``22 سنتا``, ``قرش``, ``فلس``: kind
  ``money``, currency None). A unit of time after a year-like number (``2014 عام``) is not read.
  A duration continued with a smaller unit of time reads in its first unit: ``18 ساعة و45 دقيقة`` =
  18.75 (hours), ``10 سنوات و6 أشهر`` = 10.5 (years); seconds to weeks and months to centuries
  combine within their group only.
* A per-unit denominator glued to a money or measure unit (``75.30 دولار للبرميل`` USD,
  ``4.5 ليرات للدولار``, ``60 ميلاً بالساعة``, ``للبرميل الواحد``): in the unit, as written; not when a
  definite word follows it (``للعام المقبل`` is a time).
* Invisible format characters (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF) are ignored
  (``26\u200e%`` = 26%); they never shift offsets, which are the caller's.

Unit convention: ``unit`` is the normalized (canonical, singular, clitic-free) name of what was
written: ``دولارات`` -> ``دولار``, ``كلم`` -> ``كيلومتر``, ``ريالات سعودية`` -> ``ريال سعودي``; percent
has unit ``%``; counts and fractions have unit None (the counted noun is the claim's ENT, not a unit).
Unit-like nouns and units with a per-unit denominator keep the unit as written (``يوماً``,
``دولار للبرميل``), as the gold records do.

Normalization: proclitics ``و ف ب ل ك`` (also ``لـ``, ``بـ``) and the article ``ال`` are stripped,
diacritics and tatweel ignored, and ``ى/ي``, ``أ/إ/آ/ا``, ``ة/ه``, ``مائة/مئة`` read as one.
Bounds absent are None with their inclusivity None. An expression the grammar cannot read as a whole
is read by its leading part when the rest are words naming what is counted (``30 شخصا`` = 30, a
count; ``20 في المئة من الأسهم`` = 20 percent; see :func:`parse_quantity`); otherwise value, lower and
upper are all None (and kind None); no input raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from functools import lru_cache

from train.data.text import DIGIT_SCRIPTS, normalize, tokenize

Number = int | float

# ---------------------------------------------------------------------------------------------
# Normalization and lexing

_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك"})
ASCII_DIGITS = frozenset("0123456789")
_DIGITS = str.maketrans(DIGIT_SCRIPTS[1] + DIGIT_SCRIPTS[2], DIGIT_SCRIPTS[0] * 2)
_PIECE_RE = re.compile(r"[0-9](?:[.,،٫٬]?[0-9])*|[^\W\d_]+|\S")
_CLITICS_RE = re.compile(r"(?:[وف]?[بلك]?(?:ال)?|[وف]?لل)")
_SPLIT_RE = re.compile(r"[وف]?(?:[بلك]?(?:ال)?|لل)")


# Invisible format characters (zero-width space/joiners, direction marks and embeddings, BOM):
# the normalizer never sees them (``26\u200e%`` reads as ``26%``); offsets are the caller's business.
INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def strip_invisible(text: str) -> str:
    return INVISIBLE_RE.sub("", text)


@lru_cache(maxsize=262144)
def norm_word(word: str) -> str:
    """A word in the spelling the lexicon uses: no diacritics, tatweel or invisible format characters,
    one letter per variant (an invisible mark alone normalizes to the empty word)."""
    return strip_invisible(normalize(word)).translate(_LETTERS).translate(_DIGITS).replace("مائ", "مئ")


@dataclass(frozen=True)
class Tok:
    """A piece of a word: a digit group, a run of letters or a symbol, in normalized spelling."""

    kind: str  # "num", "word" or "sym"
    text: str
    word: int  # index of the word it comes from
    first: bool  # nothing but clitics stands before it in its word
    prefix: str = ""  # clitics written against a number (the و of و30)


def lex(words: Sequence[str]) -> list[Tok]:
    """Split words into pieces: digits apart from letters (``14بالمئة``); clitics glued to a number
    (``و30``, ``لـ12.7``) become that number's prefix."""
    toks: list[Tok] = []
    for w, word in enumerate(words):
        pieces = _PIECE_RE.findall(norm_word(word))
        k = 0
        while k < len(pieces):
            piece = pieces[k]
            if piece[0] in ASCII_DIGITS:
                toks.append(Tok("num", piece, w, k == 0))
            elif piece[0].isalpha():
                nxt = pieces[k + 1] if k + 1 < len(pieces) else ""
                if k == 0 and nxt[:1] in ASCII_DIGITS and nxt and _CLITICS_RE.fullmatch(piece):
                    toks.append(Tok("num", nxt, w, True, piece))
                    k += 1
                else:
                    toks.append(Tok("word", piece, w, k == 0))
            else:
                toks.append(Tok("sym", piece, w, k == 0))
            k += 1
    return toks


@lru_cache(maxsize=65536)
def splits(word: str) -> tuple[tuple[str, str], ...]:
    """(prefix, stem) readings of a normalized word, the bare word first, then longer proclitics."""
    out = [("", word)]
    for n in range(1, min(5, len(word) - 1)):
        if _SPLIT_RE.fullmatch(word[:n]):
            out.append((word[:n], word[n:]))
    return tuple(out)


# Which proclitics a word may carry where the grammar meets it.
def _any(prefix: str) -> bool:
    return True


def _none(prefix: str) -> bool:
    return prefix == ""


def _conj(prefix: str) -> bool:
    return prefix == "و"


def _article(prefix: str) -> bool:
    return prefix in ("", "ال")


def _no_article(prefix: str) -> bool:
    return "ال" not in prefix and prefix != "لل"


# ---------------------------------------------------------------------------------------------
# Lexicon (keys in normalized spelling, see norm_word)


def _keys(table: dict[str, object]) -> dict:
    return {norm_word(k): v for k, v in table.items()}


UNITS: dict[str, int] = _keys(
    {
        "صفر": 0,
        "واحد": 1,
        "واحدة": 1,
        "اثنان": 2,
        "اثنين": 2,
        "اثنتان": 2,
        "اثنتين": 2,
        "ثلاث": 3,
        "ثلاثة": 3,
        "أربع": 4,
        "أربعة": 4,
        "خمس": 5,
        "خمسة": 5,
        "ست": 6,
        "ستة": 6,
        "سبع": 7,
        "سبعة": 7,
        "ثمان": 8,
        "ثماني": 8,
        "ثمانية": 8,
        "تسع": 9,
        "تسعة": 9,
        "عشر": 10,
        "عشرة": 10,
    }
)
TEEN_ONLY_UNITS: dict[str, int] = _keys(
    {
        "أحد": 1,
        "إحدى": 1,
        "اثنا": 2,
        "اثني": 2,
        "اثنتا": 2,
        "اثنتي": 2,
    }
)
TEEN_TAIL = frozenset(_keys({"عشر": 0, "عشرة": 0}))
TENS: dict[str, int] = _keys(
    {
        f"{stem}{ending}": 10 * n
        for n, stem in enumerate(("عشر", "ثلاث", "أربع", "خمس", "ست", "سبع", "ثمان", "تسع"), start=2)
        for ending in ("ون", "ين")
    }
)
HUNDREDS: dict[str, int] = _keys(
    {
        "مئة": 100,
        "مئتان": 200,
        "مئتين": 200,
        "مئتا": 200,
        "مئتي": 200,
        "ثلاثمئة": 300,
        "أربعمئة": 400,
        "خمسمئة": 500,
        "ستمئة": 600,
        "سبعمئة": 700,
        "ثمانمئة": 800,
        "ثمانيمئة": 800,
        "تسعمئة": 900,
    }
)
HUNDRED = norm_word("مئة")
# Feminine cardinals spelled like fractions (خمس = five or a fifth).
AMBIGUOUS_FRACTIONS = frozenset(_keys({"خمس": 0, "سبع": 0, "تسع": 0, "عشر": 0}))

SCALE_AFTER_NUMBER: dict[str, int] = _keys(
    {
        "ألف": 10**3,
        "ألفا": 10**3,
        "آلاف": 10**3,
        "مليون": 10**6,
        "مليونا": 10**6,
        "ملايين": 10**6,
        "مليار": 10**9,
        "مليارا": 10**9,
        "مليارات": 10**9,
        "بليون": 10**9,
        "بليونا": 10**9,
        "بلايين": 10**9,
        "تريليون": 10**12,
        "تريليونا": 10**12,
        "تريليونات": 10**12,
    }
)
SCALE_ALONE: dict[str, int] = _keys({"ألف": 10**3, "مليون": 10**6, "مليار": 10**9, "بليون": 10**9, "تريليون": 10**12})
SCALE_DUAL: dict[str, int] = _keys(
    {
        f"{stem}{ending}": scale
        for stem, scale in (("ألف", 10**3), ("مليون", 10**6), ("مليار", 10**9), ("بليون", 10**9))
        for ending in ("ان", "ين", "ا", "ي")
    }
)
PLURAL_SCALE: dict[str, int] = _keys({"آلاف": 10**3, "ملايين": 10**6, "مليارات": 10**9, "بلايين": 10**9})
# Vague plurals: (lower, top, top_is_open): open tops span whole decades (عشرات = 30..99).
VAGUE: dict[str, tuple[int, int, bool]] = _keys(
    {
        "بضع": (3, 9, False),
        "بضعة": (3, 9, False),
        "عشرات": (30, 100, True),
        "مئات": (300, 1000, True),
        "آلاف": (3000, 10**4, True),
        "ملايين": (3 * 10**6, 10**7, True),
        "مليارات": (3 * 10**9, 10**10, True),
        "بلايين": (3 * 10**9, 10**10, True),
    }
)
FEW = frozenset(_keys({"بضع": 0, "بضعة": 0}))
# What بضعة multiplies: بضعة آلاف = 3..9 thousands.
FEW_OF: dict[str, int] = _keys({"عشرات": 10, "مئات": 100, "آلاف": 10**3, "ملايين": 10**6, "مليارات": 10**9})
NAYYIF = norm_word("نيف")
HALF = norm_word("نصف")

FRACTIONS: dict[str, Fraction] = _keys(
    {
        "نصف": Fraction(1, 2),
        "ثلث": Fraction(1, 3),
        "ربع": Fraction(1, 4),
        "خمس": Fraction(1, 5),
        "سدس": Fraction(1, 6),
        "سبع": Fraction(1, 7),
        "ثمن": Fraction(1, 8),
        "تسع": Fraction(1, 9),
        "عشر": Fraction(1, 10),
        "ثلثا": Fraction(2, 3),
        "ثلثي": Fraction(2, 3),
        "ثلثان": Fraction(2, 3),
        "ثلثين": Fraction(2, 3),
    }
)
PLURAL_FRACTIONS: dict[str, int] = _keys(
    {
        "أثلاث": 3,
        "أرباع": 4,
        "أخماس": 5,
        "أسداس": 6,
        "أسباع": 7,
        "أثمان": 8,
        "أتساع": 9,
        "أعشار": 10,
    }
)
PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها", "كم", "نا", "ه")

PERCENT_SIGNS = frozenset("%٪")
CURRENCY_SIGNS = {"$": ("دولار", "USD"), "€": ("يورو", "EUR"), "£": ("جنيه إسترليني", "GBP")}
# Currency words: normalized surface -> canonical name.
CURRENCY_WORDS: dict[str, str] = _keys(
    {
        **{f: "دولار" for f in ("دولار", "دولارا", "دولارات", "دولاران", "دولارين")},
        "يورو": "يورو",
        **{f: "جنيه" for f in ("جنيه", "جنيها", "جنيهات")},
        **{f: "ريال" for f in ("ريال", "ريالا", "ريالات")},
        **{f: "درهم" for f in ("درهم", "درهما", "دراهم")},
        **{f: "دينار" for f in ("دينار", "دينارا", "دنانير")},
        **{f: "ليرة" for f in ("ليرة", "ليرات")},
        **{f: "فرنك" for f in ("فرنك", "فرنكا", "فرنكات")},
        **{f: "روبية" for f in ("روبية", "روبيات")},
        "ين": "ين",
        "يوان": "يوان",
        **{f: "روبل" for f in ("روبل", "روبلا", "روبلات")},
        **{f: "شيكل" for f in ("شيكل", "شيكلا", "شواكل")},
    }
)
# ISO codes of currency words that need no qualifier.
CURRENCY_PLAIN = {"دولار": "USD", "يورو": "EUR", "ين": "JPY", "يوان": "CNY", "روبل": "RUB", "شيكل": "ILS"}
# (canonical word, qualifier stem) -> (canonical name, ISO code); qualifier stems lose a final ه/ا.
CURRENCY_QUALIFIED: dict[tuple[str, str], tuple[str, str]] = {
    (word, norm_word(q)): (f"{word} {name}", code)
    for word, q, name, code in (
        ("دولار", "أمريكي", "أمريكي", "USD"),
        ("دولار", "أميركي", "أمريكي", "USD"),
        ("دولار", "كندي", "كندي", "CAD"),
        ("دولار", "أسترالي", "أسترالي", "AUD"),
        ("جنيه", "إسترليني", "إسترليني", "GBP"),
        ("جنيه", "مصري", "مصري", "EGP"),
        ("جنيه", "سوداني", "سوداني", "SDG"),
        ("ريال", "سعودي", "سعودي", "SAR"),
        ("ريال", "قطري", "قطري", "QAR"),
        ("ريال", "عماني", "عماني", "OMR"),
        ("ريال", "يمني", "يمني", "YER"),
        ("ريال", "إيراني", "إيراني", "IRR"),
        ("درهم", "إماراتي", "إماراتي", "AED"),
        ("درهم", "مغربي", "مغربي", "MAD"),
        ("دينار", "كويتي", "كويتي", "KWD"),
        ("دينار", "أردني", "أردني", "JOD"),
        ("دينار", "عراقي", "عراقي", "IQD"),
        ("دينار", "بحريني", "بحريني", "BHD"),
        ("دينار", "تونسي", "تونسي", "TND"),
        ("دينار", "جزائري", "جزائري", "DZD"),
        ("دينار", "ليبي", "ليبي", "LYD"),
        ("ليرة", "تركي", "تركية", "TRY"),
        ("ليرة", "لبناني", "لبنانية", "LBP"),
        ("ليرة", "سوري", "سورية", "SYP"),
        ("فرنك", "سويسري", "سويسري", "CHF"),
        ("روبية", "هندي", "هندية", "INR"),
        ("روبية", "باكستاني", "باكستانية", "PKR"),
    )
}
MEASURES: dict[str, str] = _keys(
    {
        surface: unit
        for unit, surfaces in {
            "كيلومتر": ("كيلومتر", "كيلومترا", "كيلومترات", "كلم", "كم"),
            "متر": ("متر", "مترا", "أمتار", "مترات"),
            "سنتيمتر": ("سنتيمتر", "سنتيمترا", "سنتيمترات"),
            "ميل": ("ميل", "ميلا", "أميال"),
            "طن": ("طن", "طنا", "أطنان"),
            "كيلوغرام": ("كيلوغرام", "كيلوغراما", "كيلوغرامات", "كيلوجرام", "كيلوجراما", "كيلوجرامات", "كلغ", "كغ"),
            "غرام": ("غرام", "غراما", "غرامات", "جرام", "جراما", "جرامات"),
            "لتر": ("لتر", "لترا", "لترات"),
            "برميل": ("برميل", "برميلا", "براميل"),
            "هكتار": ("هكتار", "هكتارا", "هكتارات"),
            "دونم": ("دونم", "دونما", "دونمات"),
            "ميغاواط": ("ميغاواط", "ميغاوات", "ميجاواط", "ميجاوات"),
            "كيلوواط": ("كيلوواط", "كيلووات"),
            "غيغاواط": ("غيغاواط", "غيغاوات", "جيجاواط", "جيجاوات"),
        }.items()
        for surface in surfaces
    }
)
KILO = norm_word("كيلو")
METRE_FORMS = frozenset(_keys({"متر": 0, "مترا": 0, "مترات": 0, "أمتار": 0}))
SQUARE = frozenset(_keys({"مربع": 0, "مربعا": 0, "مربعة": 0}))
CUBIC = frozenset(_keys({"مكعب": 0, "مكعبا": 0, "مكعبة": 0}))
# Unit-like nouns outside the tables above, kept as written (``unit`` is the surface text): time
# units, other measures and currency subunits. A number followed by one of them is a measure (money
# for the subunits), not a count of them. Time units are flagged: the rule tagger treats a duration
# after قبل/بعد/منذ as locating an event in time.
# Units of time with their length in a family: seconds (``s``), months (``m``), nights (``n``, alone).
# A duration continued with a smaller unit of its family reads in its first unit (18.75 hours).
_TIME_UNITS: dict[tuple[str, int], tuple[str, ...]] = {
    ("s", 1): ("ثانية", "ثوان", "ثواني", "ثانيتين"),
    ("s", 60): ("دقيقة", "دقائق", "دقيقتين"),
    ("s", 3600): ("ساعة", "ساعات", "ساعتين"),
    ("s", 86400): ("يوم", "يوما", "أيام", "يومين"),
    ("s", 604800): ("أسبوع", "أسبوعا", "أسابيع", "أسبوعين"),
    ("n", 1): ("ليلة", "ليال", "ليالي"),
    ("m", 1): ("شهر", "شهرا", "أشهر", "شهور", "شهرين"),
    ("m", 12): ("سنة", "سنوات", "سنين", "سنتين", "عام", "عاما", "أعوام", "عامين"),
    ("m", 1200): ("قرن", "قرنا", "قرون"),
}
TIME_UNIT_LENGTHS: dict[str, tuple[str, int]] = _keys({w: length for length, words in _TIME_UNITS.items() for w in words})
TIME_UNIT_WORDS = frozenset(TIME_UNIT_LENGTHS)
OTHER_UNIT_WORDS = frozenset(
    _keys(
        {
            w: 0
            for w in (
                "درجة",
                "درجات",
                "نقطة",
                "نقاط",
                "حصان",
                "حصانا",
                "أحصنة",
                "عقدة",
                "بوصة",
                "بوصات",
                "مليمتر",
                "مليمترا",
                "مليمترات",
                "ملليمتر",
                "ملم",
                "سم",
                "ميلليلتر",
                "مل",
                "فدان",
                "فدانا",
                "أفدنة",
                "أوقية",
                "أونصة",
                "أونصات",
                "ميكروغرام",
                "مليغرام",
                "مليغراما",
                "مليجرام",
                "بايت",
                "ميغابايت",
                "غيغابايت",
                "جيجابايت",
                "واط",
                "فولت",
                "ديسيبل",
                "كالوري",
                "سعرة",
                "سعرات",
            )
        }
    )
)
SUBUNIT_WORDS = frozenset(
    _keys(
        {
            w: 0
            for w in (
                "سنت",
                "سنتا",
                "سنتات",
                "بنس",
                "بنسات",
                "قرش",
                "قرشا",
                "قروش",
                "فلس",
                "فلسا",
                "فلوس",
                "هللة",
                "هللات",
                "مليم",
                "مليما",
                "مليمات",
                "سنتيم",
                "سنتيما",
                "سنتيمات",
                "كوبيك",
            )
        }
    )
)
# Qualifiers of a unit-like noun that stay in the unit (نقطة مئوية, درجة مئوية).
UNIT_QUALIFIERS = frozenset(_keys({"مئوية": 0, "مئويا": 0, "فهرنهايت": 0, "مربع": 0, "مربعا": 0}))
# Denominators of a per-unit phrase glued to a unit (دولار للبرميل, ليرات للدولار, ميلا بالساعة):
# any unit, plus the few nouns prices are quoted per.
PER_NOUNS = frozenset(_keys({w: 0 for w in ("سهم", "فرد", "شخص", "كيلو", "ليتر", "وحدة", "رأس")}))
PER_PREFIXES = frozenset(("ل", "لل", "بال"))
ONE_AFTER = frozenset(_keys({"واحد": 0, "واحدة": 0}))  # للبرميل الواحد

APPROX, GT, GE, LT, LE = "approx", "gt", "ge", "lt", "le"
PREFIX_MODIFIERS: list[tuple[tuple[str, ...], str]] = sorted(
    (
        (tuple(norm_word(w) for w in phrase.split()), effect)
        for effect, phrases in {
            APPROX: (
                "نحو",
                "حوالي",
                "قرابة",
                "زهاء",
                "ما يقارب",
                "ما يقرب من",
                "ما يناهز",
                "حدود",
                "في حدود",
                "تقريبا",
                # verbs of approaching right before the number (تقترب من 50, يناهز 30)
                "يقارب",
                "تقارب",
                "يناهز",
                "تناهز",
                "يقترب من",
                "تقترب من",
                "ما يقترب من",
            ),
            GT: ("أكثر من", "ما يزيد على", "ما يزيد عن", "ما تزيد على", "ما تزيد عن", "أزيد من", "ما يربو على", "ما يربو عن"),
            GE: ("لا يقل عن", "لا تقل عن", "ما لا يقل عن", "ما لا تقل عن"),
            LT: ("أقل من", "دون", "ما دون"),
            LE: (
                "حتى",
                "ما يصل إلى",
                "ما تصل إلى",
                "لا يزيد على",
                "لا يزيد عن",
                "لا تزيد على",
                "لا تزيد عن",
                "ما لا يزيد على",
                "ما لا يزيد عن",
            ),
        }.items()
        for phrase in phrases
    ),
    key=lambda item: -len(item[0]),
)
MODIFIERS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {
    first: [(stems, effect) for stems, effect in PREFIX_MODIFIERS if stems[0] == first]
    for first in {stems[0] for stems, _ in PREFIX_MODIFIERS}
}
SUFFIX_MODIFIERS: list[tuple[tuple[str, ...], str]] = [
    ((norm_word("على"), norm_word("الأقل")), GE),
    ((norm_word("على"), norm_word("الأكثر")), LE),
    ((norm_word("تقريبا"),), APPROX),
]
BETWEEN = norm_word("بين")
WHAT = norm_word("ما")
FROM = norm_word("من")
TO = frozenset({norm_word("إلى"), norm_word("حتى")})
IN = norm_word("في")
AND = norm_word("و")
DASHES = frozenset("-–—")
WEEKDAYS = frozenset(norm_word(w) for w in ("أحد", "اثنين", "ثلاثاء", "أربعاء", "خميس", "جمعة", "سبت"))
DAY_WORD = norm_word("يوم")

# ---------------------------------------------------------------------------------------------
# Values


def read_digits(literal: str, before_scale: bool) -> Fraction | None:
    """A digit literal (ASCII digits, marks as written) under the thousands/decimal rule."""
    parts = re.split(r"([.,،٫٬])", literal)
    groups, marks = parts[0::2], parts[1::2]
    if not marks:
        return Fraction(int(literal))
    if "٫" in marks:
        point = marks.index("٫")
        if marks.count("٫") > 1 or point != len(marks) - 1:
            return None
    elif all(m == "٬" for m in marks):
        return Fraction(int("".join(groups)))
    elif not before_scale and all(len(g) == 3 for g in groups[1:]):
        return Fraction(int("".join(groups)))
    elif len(marks) == 1 or (marks[-1] not in marks[:-1] and all(len(g) == 3 for g in groups[1:-1])):
        point = len(marks) - 1
    else:
        return None
    return Fraction(f"{''.join(groups[: point + 1])}.{groups[point + 1]}")


def year_like(literal: str) -> bool:
    """A bare four-digit number that reads as a year (1900..2099)."""
    return literal.isascii() and literal.isdigit() and len(literal) == 4 and 1900 <= int(literal) <= 2099


def to_number(x: Fraction | None) -> Number | None:
    if x is None:
        return None
    return int(x) if x.denominator == 1 else float(x)


@dataclass(frozen=True)
class Quantity:
    value: Number | None = None
    lower: Number | None = None
    upper: Number | None = None
    lower_inclusive: bool | None = None
    upper_inclusive: bool | None = None
    approx: bool = False
    vague: bool = False
    kind: str | None = None
    unit: str | None = None
    currency: str | None = None

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def has_number(self) -> bool:
        """Whether the expression was read: a value or at least one bound."""
        return self.value is not None or self.lower is not None or self.upper is not None


@dataclass(frozen=True)
class Num:
    """A number read by the grammar: an exact value or vague bounds."""

    end: int
    value: Fraction | None = None
    lower: Fraction | None = None
    upper: Fraction | None = None
    scale: int = 0  # the scale word it ended with (0: none)
    fraction: bool = False
    article: bool = False  # its first word carries the article (الثلاثة, النصف)
    plain_digits: str | None = None  # a bare digit literal without scale (for the tagger's year test)

    @property
    def vague(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Marker:
    end: int
    kind: str
    unit: str
    currency: str | None = None
    start: int = -1  # its first piece (set where ``written``)
    written: bool = False  # the unit is the text as written from ``start`` (see parse_quantity)
    time: bool = False  # a unit of time (يوما, سنوات): the quantity is a duration
    loose: bool = False  # a unit-like noun (see loose_marker), not a currency, measure or percent


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


# ---------------------------------------------------------------------------------------------
# Grammar


class Grammar:
    """Reads quantity expressions from a list of pieces (see :func:`lex`)."""

    def __init__(self, toks: Sequence[Tok], limit: int | None = None) -> None:
        self.toks = toks
        self.limit = len(toks) if limit is None else limit

    # Access -----------------------------------------------------------------------------------

    def word(self, i: int, table: dict | set | frozenset, allow: Callable[[str], bool] = _none) -> tuple[str, str] | None:
        """(prefix, stem) of piece ``i`` when it is a word whose stem is in ``table``."""
        if i >= self.limit or self.toks[i].kind != "word":
            return None
        for prefix, stem in splits(self.toks[i].text):
            if stem in table and allow(prefix):
                return prefix, stem
        return None

    def is_word(self, i: int, stem: str, allow: Callable[[str], bool] = _none) -> bool:
        return self.word(i, {stem}, allow) is not None

    def phrase(self, i: int, stems: tuple[str, ...], first: Callable[[str], bool] = _none) -> int | None:
        for k, stem in enumerate(stems):
            if not self.is_word(i + k, stem, first if k == 0 else _none):
                return None
        return i + len(stems)

    def sym(self, i: int, chars: frozenset[str] | dict) -> str | None:
        if i < self.limit and self.toks[i].kind == "sym" and self.toks[i].text in chars:
            return self.toks[i].text
        return None

    # Numbers ----------------------------------------------------------------------------------

    def below_100(self, i: int, allow: Callable[[str], bool]) -> tuple[int, str, int] | None:
        """(value, stem of the last word, end) of a word number 1..99."""
        if hit := self.word(i, UNITS, allow) or self.word(i, TEEN_ONLY_UNITS, allow):
            stem = hit[1]
            unit = UNITS.get(stem, TEEN_ONLY_UNITS.get(stem))
            if unit < 10 and self.word(i + 1, TEEN_TAIL):
                return 10 + unit, "", i + 2
            if unit < 10 and (tens := self.word(i + 1, TENS, _conj)):
                return unit + TENS[tens[1]], "", i + 2
            if stem in TEEN_ONLY_UNITS:
                return None
            return unit, stem, i + 1
        if hit := self.word(i, TENS, allow):
            return TENS[hit[1]], "", i + 1
        return None

    def below_1000(self, i: int, allow: Callable[[str], bool]) -> tuple[int, str, int] | None:
        hundreds = None
        if hit := self.word(i, HUNDREDS, allow):
            hundreds, j = HUNDREDS[hit[1]], i + 1
        elif (hit := self.word(i, UNITS, allow)) and 3 <= UNITS[hit[1]] <= 9 and self.is_word(i + 1, HUNDRED):
            hundreds, j = 100 * UNITS[hit[1]], i + 2
        if hundreds is None:
            return self.below_100(i, allow)
        if rest := self.below_100(j, _conj):
            return hundreds + rest[0], "", rest[2]
        return hundreds, "", j

    def scale_at(self, i: int) -> int:
        hit = self.word(i, SCALE_AFTER_NUMBER)
        return SCALE_AFTER_NUMBER[hit[1]] if hit else 0

    def vague(self, i: int, allow: Callable[[str], bool]) -> Num | None:
        if hit := self.word(i, VAGUE, allow):
            low, top, open_top = VAGUE[hit[1]]
            article = "ال" in hit[0]
            if hit[1] in FEW and (of := self.word(i + 1, FEW_OF)):
                mult = FEW_OF[of[1]]
                return Num(i + 2, lower=Fraction(3 * mult), upper=Fraction(9 * mult), article=article)
            if open_top and (of := self.word(i + 1, PLURAL_SCALE, _article)) and PLURAL_SCALE[of[1]] > low:
                mult = PLURAL_SCALE[of[1]]
                return Num(i + 2, lower=Fraction(low * mult), upper=Fraction(top * mult - 1), article=article)
            return Num(i + 1, lower=Fraction(low), upper=Fraction(top - 1 if open_top else top), article=article)
        tens = None
        if self.is_word(i, NAYYIF, allow) and (hit := self.word(i + 1, TENS, _conj)):
            tens, j = TENS[hit[1]], i + 2
        elif (hit := self.word(i, TENS, allow)) and self.is_word(i + 1, NAYYIF, _conj):
            tens, j = TENS[hit[1]], i + 2
        if tens is None:
            return None
        scale = self.scale_at(j)
        mult, end = (scale, j + 1) if scale else (1, j)
        return Num(end, lower=Fraction((tens + 1) * mult), upper=Fraction((tens + 9) * mult))

    def fraction(self, i: int, allow: Callable[[str], bool]) -> Num | None:
        if i >= self.limit or self.toks[i].kind != "word":
            return None
        for prefix, stem in splits(self.toks[i].text):
            if not allow(prefix):
                continue
            for suffix in ("", *PRONOUN_SUFFIXES):
                base = stem[: len(stem) - len(suffix)] if suffix and stem.endswith(suffix) else stem
                if (suffix and base == stem) or base not in FRACTIONS:
                    continue
                value = FRACTIONS[base]
                if not suffix and (scale_word := self.word(i + 1, SCALE_ALONE)):
                    scale = SCALE_ALONE[scale_word[1]]
                    return Num(i + 2, value * scale, scale=scale, article="ال" in prefix)
                return Num(i + 1, value, fraction=True, article="ال" in prefix)
        return None

    def followed_by_definite(self, j: int) -> bool:
        """Whether piece ``j`` is a definite word that is no marker: what makes خمس a fraction."""
        if j >= len(self.toks):
            return True
        tok = self.toks[j]
        if tok.kind != "word" or self.marker(j) is not None:
            return False
        return tok.text.startswith(("ال", "لل")) and len(tok.text) > 3

    def number(self, i: int, allow: Callable[[str], bool] = _any, max_scale: int = 0) -> Num | None:
        """A number at ``i``: digits or words, times a scale word, continued with و below that scale."""
        if i >= self.limit:
            return None
        tok = self.toks[i]
        base: Num | None = None
        if tok.kind == "num":
            if not allow(tok.prefix):
                return None
            scale = self.scale_at(i + 1)
            value = read_digits(tok.text, before_scale=bool(scale))
            if value is None:
                return None
            base = Num(i + 1, value, article="ال" in tok.prefix, plain_digits=None if scale else tok.text)
        elif tok.kind == "word":
            if hit := self.word(i, SCALE_DUAL, allow):
                scale = SCALE_DUAL[hit[1]]
                if max_scale and scale >= max_scale:
                    return None
                return self.continued(Num(i + 1, Fraction(2 * scale), scale=scale, article="ال" in hit[0]))
            if hit := self.word(i, SCALE_ALONE, allow):
                scale = SCALE_ALONE[hit[1]]
                if max_scale and scale >= max_scale:
                    return None
                return self.continued(Num(i + 1, Fraction(scale), scale=scale, article="ال" in hit[0]))
            if vague := self.vague(i, allow):
                return None if max_scale else vague
            if (hit := self.word(i, UNITS, allow)) and (plural := self.word(i + 1, PLURAL_FRACTIONS)):
                return Num(i + 2, Fraction(UNITS[hit[1]], PLURAL_FRACTIONS[plural[1]]), fraction=True, article="ال" in hit[0])
            words = self.below_1000(i, allow)
            if words is None:
                return None if max_scale else self.fraction(i, allow)
            value, last, end = words
            if last in AMBIGUOUS_FRACTIONS and not self.scale_at(end) and self.followed_by_definite(end):
                return None if max_scale else self.fraction(i, allow)
            base = Num(end, Fraction(value), article=self._article(i, allow))
        if base is None:
            return None
        scale = self.scale_at(base.end)
        if max_scale and (scale >= max_scale or base.value >= max_scale):
            return None
        if scale:
            return self.continued(Num(base.end + 1, base.value * scale, scale=scale, article=base.article))
        return base

    def _article(self, i: int, allow: Callable[[str], bool]) -> bool:
        for prefix, stem in splits(self.toks[i].text):
            if allow(prefix) and (stem in UNITS or stem in TENS or stem in HUNDREDS or stem in TEEN_ONLY_UNITS):
                return "ال" in prefix
        return False

    def continued(self, num: Num) -> Num:
        """``num`` (ending with a scale word) plus a smaller number joined with و."""
        if self.is_word(num.end, HALF, _conj):
            return Num(num.end + 1, num.value + Fraction(num.scale, 2), scale=num.scale, article=num.article)
        rest = self.number(num.end, _conj, max_scale=num.scale)
        if rest is None or rest.vague or rest.fraction:
            return num
        return Num(rest.end, num.value + rest.value, scale=rest.scale or num.scale, article=num.article)

    # Markers and modifiers --------------------------------------------------------------------

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
        if nxt is not None and nxt.kind == "word" and _DEFINITE_RE.match(nxt.text):
            return i
        return i + 1

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
        rest = self.number(mark.end, _conj)
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

    def known_marker(self, i: int) -> Marker | None:
        if self.sym(i, PERCENT_SIGNS):
            return Marker(i + 1, "percent", "%")
        if sign := self.sym(i, CURRENCY_SIGNS):
            return Marker(i + 1, "money", *CURRENCY_SIGNS[sign])
        if self.word(i, {HUNDRED}, lambda p: p in ("بال", "فبال", "وبال")):
            return Marker(i + 1, "percent", "%")
        if self.is_word(i, IN) and self.word(i + 1, {HUNDRED}, lambda p: p == "ال"):
            return Marker(i + 2, "percent", "%")
        if hit := self.word(i, CURRENCY_WORDS, _article):
            name = CURRENCY_WORDS[hit[1]]
            if qual := self.word(i + 1, _QUALIFIER_STEMS, _article):
                key = (name, _qualifier(qual[1]))
                if key in CURRENCY_QUALIFIED:
                    return Marker(i + 2, "money", *CURRENCY_QUALIFIED[key])
            return Marker(i + 1, "money", name, CURRENCY_PLAIN.get(name))
        unit, end = None, i
        if self.is_word(i, KILO) and self.word(i + 1, METRE_FORMS):
            unit, end = "كيلومتر", i + 2
        elif hit := self.word(i, MEASURES, _article):
            unit, end = MEASURES[hit[1]], i + 1
        if unit is None:
            return None
        if self.word(end, SQUARE):
            return Marker(end + 1, "measure", f"{unit} مربع")
        if self.word(end, CUBIC):
            return Marker(end + 1, "measure", f"{unit} مكعب")
        return Marker(end, "measure", unit)

    def prefix_modifier(self, i: int) -> tuple[str, int] | None:
        if i >= self.limit or self.toks[i].kind != "word":
            return None
        for prefix, stem in splits(self.toks[i].text):
            for stems, effect in MODIFIERS_BY_FIRST.get(stem, ()) if _no_article(prefix) else ():
                if (end := self.phrase(i + 1, stems[1:])) is not None:
                    return effect, end
        return None

    def suffix_modifier(self, i: int) -> tuple[str, int] | None:
        for stems, effect in SUFFIX_MODIFIERS:
            if (end := self.phrase(i, stems)) is not None:
                return effect, end
        return None

    # Expressions ------------------------------------------------------------------------------

    def side(self, i: int, allow: Callable[[str], bool]) -> tuple[Num, Marker | None] | None:
        num = self.number(i, allow)
        if num is None or num.vague:
            return None
        return num, self.marker_after(num)

    def range_at(self, i: int) -> tuple[Fraction, Num, Marker | None, int] | None:
        """``بين X و Y``, ``من X إلى Y``, ``X-Y``: (lower, Y, marker, end)."""
        j = i + 1 if self.is_word(i, WHAT, _no_article) and self.is_word(i + 1, BETWEEN) else i
        if self.is_word(j, BETWEEN, _no_article):
            left = self.side(j + 1, _none)
            if left is None:
                return None
            x, mark = left
            k = mark.end if mark else x.end
            right = self.side(k + 1, _none) if self.is_word(k, AND) else self.side(k, _conj)
        elif self.is_word(i, FROM, _no_article):
            left = self.side(i + 1, _none)
            if left is None:
                return None
            x, mark = left
            k = mark.end if mark else x.end
            if not self.word(k, TO):
                return None
            right = self.side(k + 1, _none)
        else:
            left = self.side(i, _any) if i < self.limit and self.toks[i].kind == "num" else None
            if left is None or left[1] is not None or not self.sym(left[0].end, DASHES):
                return None
            x, mark = left
            if x.end + 1 >= self.limit or self.toks[x.end + 1].kind != "num":
                return None
            right = self.side(x.end + 1, _none)
        if right is None:
            return None
        y, y_mark = right
        lower = x.value
        if y.scale and not x.scale and not mark and lower * y.scale <= y.value:
            lower *= y.scale
        if lower > y.value:
            return None
        return lower, y, y_mark or mark, y_mark.end if y_mark else y.end

    def expression(self, i: int) -> Match | None:
        """The longest quantity expression starting at piece ``i``."""
        modifier, j = self.prefix_modifier(i) or (None, i)
        sign = self.sym(j, CURRENCY_SIGNS)
        core = j + 1 if sign else j
        rng = None if modifier not in (None, APPROX) or sign else self.range_at(core)
        if rng:
            lower, num, mark, end = rng
        else:
            num = self.number(core, _any if core == i else _article)  # قرابة الـ300, حوالي الألف
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
        quantity = _quantity(lower, num.value, modifier, mark, num.fraction) if rng else _record(num, modifier, mark)
        return Match(i, end, core, quantity, num, modifier, mark, rng is not None)


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


_QUALIFIERS = frozenset(q for _, q in CURRENCY_QUALIFIED)
# Qualifiers agree with their currency: ليرة تركية, ريالات سعودية, دينارا كويتيا.
_QUALIFIER_STEMS = _QUALIFIERS | {q + "ه" for q in _QUALIFIERS} | {q + "ا" for q in _QUALIFIERS}


def _qualifier(stem: str) -> str:
    return stem[:-1] if stem[:-1] in _QUALIFIERS and stem[-1] in "ها" else stem


def _kind(marker: Marker | None, fraction: bool) -> str:
    if marker:
        return marker.kind
    return "fraction" if fraction else "count"


def _quantity(lower: Fraction, upper: Fraction, modifier: str | None, marker: Marker | None, fraction: bool) -> Quantity:
    return Quantity(
        lower=to_number(lower),
        upper=to_number(upper),
        lower_inclusive=True,
        upper_inclusive=True,
        approx=modifier == APPROX,
        kind=_kind(marker, fraction),
        unit=marker.unit if marker else None,
        currency=marker.currency if marker else None,
    )


def _record(num: Num, modifier: str | None, marker: Marker | None) -> Quantity:
    extra = dict(
        kind=_kind(marker, num.fraction),
        unit=marker.unit if marker else None,
        currency=marker.currency if marker else None,
        approx=modifier == APPROX,
    )
    if num.vague:
        bounds = dict(lower=to_number(num.lower), upper=to_number(num.upper), lower_inclusive=True, upper_inclusive=True)
        if modifier in (GT, GE):
            bounds = dict(lower=to_number(num.lower), lower_inclusive=modifier == GE)
        elif modifier in (LT, LE):
            bounds = dict(upper=to_number(num.upper), upper_inclusive=modifier == LE)
        return Quantity(vague=True, **bounds, **extra)
    value = to_number(num.value)
    if modifier in (GT, GE):
        return Quantity(lower=value, lower_inclusive=modifier == GE, **extra)
    if modifier in (LT, LE):
        return Quantity(upper=value, upper_inclusive=modifier == LE, **extra)
    return Quantity(value=value, **extra)


_DEFINITE_RE = re.compile(r"[وف]?(?:[بكل]?ال|لل)..")
_EDGE_PUNCTUATION = frozenset("\"'«»“”‘’()[]{}،,.:;؛!?؟")


def parse_quantity(text: str, *, context_after: str = "") -> Quantity:
    """The normalized record of a quantity expression; all-None values when it cannot be read.

    ``context_after`` is the text that follows the expression in its sentence; it only decides
    whether ``خمس/سبع/تسع/عشر`` is a fraction or a cardinal and is never read into the record.
    Invisible format characters (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF) are ignored.

    When the expression does not read whole but a leading part does (the number with its
    approximator, comparator, scale and marker), that part is read and the trailing words are taken
    as what is counted: the record keeps the leading part's marker (``20 في المئة من الأسهم`` is a
    percent), or is a count with unit None (``30 شخصا``). Nulls when the trailing words are glued to the
    number or hold digits or symbols, when they start with a definite word (``خمس السكان``: a
    construct, not a count) or with a unit of time the number refused (``2014 عام``: a year).
    """
    text, context_after = strip_invisible(text), strip_invisible(leading_context(context_after))
    tokens = tokenize(text)
    while tokens and tokens[0].text in _EDGE_PUNCTUATION:
        tokens.pop(0)
    while tokens and tokens[-1].text in _EDGE_PUNCTUATION:
        tokens.pop()
    words = [t.text for t in tokens]
    toks = lex(words)
    context = [t.text for t in tokenize(context_after)]
    all_toks = toks + [Tok(t.kind, t.text, t.word + len(words), t.first, t.prefix) for t in lex(context)]
    grammar = Grammar(all_toks, limit=len(toks))
    match = grammar.expression(0) if toks else None
    if match is None:
        return Quantity()
    if match.end < len(toks) and not _counted_after(grammar, match):
        return Quantity()
    quantity = match.quantity
    mark = match.marker
    if mark is not None and mark.written:
        first = toks[mark.start].word
        last = toks[min(mark.end, len(toks)) - 1].word
        unit = text[tokens[first].start : tokens[last].end] if first != toks[match.core_start].word else mark.unit
        quantity = replace(quantity, unit=unit)
    return quantity


def leading_context(text: str, start: int = 0, end: int | None = None) -> str:
    """The head of ``text[start:end]`` that :func:`parse_quantity` reads as ``context_after``: the grammar
    looks at the first piece after the expression only, so the head runs through the first word that
    has a piece, plus two characters (the tokenizer's look-ahead past a word's end). Reading the head
    gives the same record as reading the whole rest, in time that does not grow with that rest (it is
    what keeps :func:`train.claims.rules.claim_records` linear on a sentence with no end)."""
    end = len(text) if end is None else end
    size = 64
    while True:
        stop = min(start + size, end)
        head = text[start:stop]
        if stop >= end:
            return head
        stripped = strip_invisible(head)
        word = next((t for t in tokenize(stripped) if _PIECE_RE.search(norm_word(t.text))), None)
        if word is not None and word.end + 1 < len(stripped):
            return head
        size *= 4


def _counted_after(grammar: Grammar, match: Match) -> bool:
    """Whether the pieces after ``match`` are words that name what is counted (see parse_quantity)."""
    rest = grammar.toks[match.end : grammar.limit]
    if rest[0].word == grammar.toks[match.end - 1].word or any(t.kind != "word" for t in rest):
        return False
    if match.marker is not None:
        return True
    if any(stem in TIME_UNIT_WORDS for _, stem in splits(rest[0].text)):
        return False
    return _DEFINITE_RE.match(rest[0].text) is None
