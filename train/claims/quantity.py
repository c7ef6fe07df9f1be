"""Arabic quantity normalizer: reads a quantity expression into the normalized record of a number claim.

No model: :func:`parse_quantity` runs the grammar (:mod:`train.claims.grammar`, over the words of
:mod:`train.claims.lexicon`) and returns the record of :mod:`train.claims.record`, following every
convention of the annotation guidelines (``shared/guidelines/annotation.md``, "The normalized record of
a number claim").

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
* Scale words ``ألف/آلاف/ألوف``, ``مليون/ملايين``, ``مليار/مليارات/بليون`` (and ``تريليون/ترليون``
  10^12, not in the guidelines, same rules) after a digit or word number (``60 ألف``, ``3.5 مليون``,
  ``ستون ألفا``: after a number ``ألفا``/``مليونا`` are the singular multiplier), alone (``ألف`` =
  1000, ``مليون`` = 10^6), as duals in every case and construct form
  (``ألفان/ألفين/ألفا/ألفي``, ``مليونان/مليونين/مليونا/مليوني``, ``ملياران...``), continued with ``و``
  (``ثلاثة آلاف وخمسمائة`` = 3500, ``مليون و200 ألف``, ``مليون ونصف`` = 1.5 million), and after a
  fraction (``نصف مليون`` = 500000, a count).
* Vague plurals, value null, both bounds inclusive: ``بضع/بضعة`` [3, 9], ``عشرات`` [30, 99], ``مئات``
  [300, 999], ``آلاف``/``ألوف`` [3000, 9999], ``ملايين``, ``مليارات``; a vague plural before a plural
  scale word spans whole decades of it (``عشرات الآلاف``/``عشرات الألوف`` [30000, 99999], ``مئات الآلاف``,
  ``عشرات الملايين``);
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
* Ranges, both bounds inclusive, value null: ``بين X و Y``, ``ما بين X و Y``, ``بين X إلى Y``,
  ``من X إلى/حتى Y``, ``X-Y``; the scale and marker written after ``Y`` apply to ``X`` (``بين 10 و12 ألف`` =
  [10000, 12000]). ``X`` must not exceed ``Y`` (``من 50 إلى 40`` is a change, not a range: unread).
* Percent (kind ``percent``, unit ``%``, value 20 for 20%): ``%``, ``٪``, ``في المئة/المائة``,
  ``بالمئة/بالمائة``.
* Money (kind ``money``): currency words and signs with ISO 4217 codes (``دولار`` and ``$`` USD,
  ``يورو`` and ``€`` EUR, ``جنيه إسترليني`` and ``£`` GBP, ``ريال سعودي`` SAR, ``درهم إماراتي`` AED,
  ``دينار كويتي`` KWD, ``جنيه مصري`` EGP, ``ليرة تركية`` TRY and other qualified Arab currencies,
  ``كرونة سويدية/نرويجية/دنماركية`` SEK/NOK/DKK, ``بيزو مكسيكي/أرجنتيني`` MXN/ARS); an unqualified
  ``جنيه/ريال/دينار/درهم/ليرة/كرونة/بيزو`` keeps ``currency`` null with ``unit`` set.
* Measures (kind ``measure``): ``كيلومتر/كلم/كم``, ``متر``, ``ميل``, ``طن``, ``كيلوغرام``, ``غرام``,
  ``لتر/ليتر``, ``برميل``, ``هكتار``, ``دونم``, ``ميغاواط``, ``كيلوواط``, ``غيغاواط`` and ``مربع/مكعب``
  (``قدم`` only before them: ``قدم مكعب``; ``أقدام`` alone).
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

from dataclasses import replace

from train.claims.grammar import Grammar, Match
from train.claims.lexicon import TIME_UNIT_WORDS
from train.claims.record import Quantity
from train.claims.words import DEFINITE_RE, PIECE_RE, Tok, lex, norm_word, splits, strip_invisible
from train.data.text import tokenize

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
    what keeps :func:`train.claims.linking.claim_records` linear on a sentence with no end)."""
    end = len(text) if end is None else end
    size = 64
    while True:
        stop = min(start + size, end)
        head = text[start:stop]
        if stop >= end:
            return head
        stripped = strip_invisible(head)
        word = next((t for t in tokenize(stripped) if PIECE_RE.search(norm_word(t.text))), None)
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
    return DEFINITE_RE.match(rest[0].text) is None
