"""The Arabic lexicon of the claims stage, read once at import from ``train/claims/lexicon.yaml``.

The file holds the words as tables (package data, so an installed wheel has them too): number words,
scales, vague amounts, fractions, currencies, measures and unit-like nouns, approximators and
comparators, and the context words of the rule tagger (months, time prepositions, identifiers, stop
words). This module puts every word in normalized spelling (:func:`train.claims.words.norm_word`) and
gives the tables the shapes the grammar looks words up in: a ``dict`` where a word has a value, a
``frozenset`` where only membership counts.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from importlib import resources

import yaml

from train.claims.record import MODIFIERS
from train.claims.words import norm_word

LEXICON_FILE = "lexicon.yaml"
# Read at every import of the grammar: libyaml's safe loader where installed (20 times faster), else PyYAML's.
_LEXICON = yaml.load(
    resources.files(__package__).joinpath(LEXICON_FILE).read_text(encoding="utf-8"),
    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
)


def _entry(name: str):
    if not isinstance(_LEXICON, dict) or name not in _LEXICON:
        raise RuntimeError(f"train/claims/{LEXICON_FILE}: no entry '{name}'; the grammar needs it (restore the file from git)")
    return _LEXICON[name]


def _word(name: str) -> str:
    return norm_word(_entry(name))


def _words(name: str) -> frozenset[str]:
    return frozenset(norm_word(w) for w in _entry(name))


def _table(name: str, value: Callable = lambda v: v) -> dict:
    """``{word: value}``, the words normalized."""
    return {norm_word(k): value(v) for k, v in _entry(name).items()}


def _forms(name: str) -> dict[str, str]:
    """``{surface form: canonical name}`` from ``{canonical name: [surface forms]}``."""
    return {norm_word(form): canonical for canonical, forms in _entry(name).items() for form in forms}


def _effect(effect: str) -> str:
    if effect not in MODIFIERS:
        raise RuntimeError(f"train/claims/{LEXICON_FILE}: unknown modifier effect '{effect}' (expected one of {MODIFIERS})")
    return effect


# Numbers ---------------------------------------------------------------------------------------------
UNITS: dict[str, int] = _table("units")
TEEN_ONLY_UNITS: dict[str, int] = _table("teen_only_units")
TEEN_TAIL = _words("teen_tail")
TENS: dict[str, int] = _table("tens")
HUNDREDS: dict[str, int] = _table("hundreds")
HUNDRED = _word("hundred")
AMBIGUOUS_FRACTIONS = _words("ambiguous_fractions")

SCALE_AFTER_NUMBER: dict[str, int] = _table("scale_after_number")
SCALE_ALONE: dict[str, int] = _table("scale_alone")
SCALE_DUAL: dict[str, int] = {
    norm_word(f"{stem}{ending}"): scale
    for stem, scale in _entry("scale_dual")["stems"].items()
    for ending in _entry("scale_dual")["endings"]
}
PLURAL_SCALE: dict[str, int] = _table("plural_scale")
# Vague plurals: (lower, top, top_is_open): open tops span whole decades (عشرات = 30..99).
VAGUE: dict[str, tuple[int, int, bool]] = _table("vague", tuple)
FEW = _words("few")
FEW_OF: dict[str, int] = _table("few_of")
NAYYIF = _word("nayyif")
HALF = _word("half")

FRACTIONS: dict[str, Fraction] = _table("fractions", Fraction)
PLURAL_FRACTIONS: dict[str, int] = _table("plural_fractions")
PRONOUN_SUFFIXES: tuple[str, ...] = tuple(_entry("pronoun_suffixes"))

# Percent and money -------------------------------------------------------------------------------------
PERCENT_SIGNS = frozenset(_entry("percent_signs"))
CURRENCY_SIGNS: dict[str, tuple[str, str]] = {sign: tuple(named) for sign, named in _entry("currency_signs").items()}
CURRENCY_WORDS: dict[str, str] = _forms("currency_words")  # normalized surface -> canonical name
CURRENCY_PLAIN: dict[str, str] = _entry("currency_plain")  # canonical name -> ISO code, no qualifier needed
# (canonical word, qualifier stem) -> (canonical name, ISO code); qualifier stems lose a final ه/ا.
CURRENCY_QUALIFIED: dict[tuple[str, str], tuple[str, str]] = {
    (word, norm_word(qualifier)): (f"{word} {name}", code) for word, qualifier, name, code in _entry("currency_qualified")
}
QUALIFIERS = frozenset(q for _, q in CURRENCY_QUALIFIED)
# Qualifiers agree with their currency: ليرة تركية, ريالات سعودية, دينارا كويتيا.
QUALIFIER_STEMS = QUALIFIERS | {q + "ه" for q in QUALIFIERS} | {q + "ا" for q in QUALIFIERS}

# Measures and unit-like nouns ----------------------------------------------------------------------------
MEASURES: dict[str, str] = _forms("measures")
KILO = _word("kilo")
METRE_FORMS = _words("metre_forms")
SQUARE = _words("square")
CUBIC = _words("cubic")
MEASURES_SQUARED_ONLY: dict[str, str] = _forms("measures_squared_only")  # a measure only before مربع/مكعب
# A unit of time -> (family, length): seconds (``s``), months (``m``), nights (``n``, alone).
TIME_UNIT_LENGTHS: dict[str, tuple[str, int]] = {
    norm_word(w): (family, length) for family, length, words in _entry("time_units") for w in words
}
TIME_UNIT_WORDS = frozenset(TIME_UNIT_LENGTHS)
OTHER_UNIT_WORDS = _words("other_unit_words")
SUBUNIT_WORDS = _words("subunit_words")
UNIT_QUALIFIERS = _words("unit_qualifiers")
PER_NOUNS = _words("per_nouns")
ONE_AFTER = _words("one_after")

# Modifiers and the words of ranges -----------------------------------------------------------------------
PREFIX_MODIFIERS: list[tuple[tuple[str, ...], str]] = sorted(
    (
        (tuple(norm_word(w) for w in phrase.split()), _effect(effect))
        for effect, phrases in _entry("prefix_modifiers").items()
        for phrase in phrases
    ),
    key=lambda item: -len(item[0]),
)
MODIFIERS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {
    first: [(stems, effect) for stems, effect in PREFIX_MODIFIERS if stems[0] == first]
    for first in {stems[0] for stems, _ in PREFIX_MODIFIERS}
}
SUFFIX_MODIFIERS: list[tuple[tuple[str, ...], str]] = [
    (tuple(norm_word(w) for w in phrase.split()), _effect(effect)) for phrase, effect in _entry("suffix_modifiers")
]
BETWEEN = _word("between")
WHAT = _word("what")
FROM = _word("from")
TO = _words("to")
IN = _word("in")
AND = _word("and")
DASHES = frozenset(_entry("dashes"))
WEEKDAYS = _words("weekdays")
DAY_WORD = _word("day")

# The rule tagger's context words -------------------------------------------------------------------------
JOINING_SYMBOLS = frozenset(_entry("joining_symbols"))
COMMAS = frozenset(_entry("commas"))
TIGHT_SYMBOLS = frozenset(_entry("tight_symbols"))
MONTHS = _words("months")
MONTH_WORDS = MONTHS | {_word("month_word")}
MONTH_WORD = frozenset({_word("month_word")})
MONTH_ORDINALS = _words("month_ordinals")
AMBIGUOUS_MONTHS = _words("ambiguous_months")
DAY_PARTS = _words("day_parts")
CLOCK = _words("clock")
TIME_ZONE = _words("time_zone")
NOW = _words("now")
REPORTING = _words("reporting")
DAY = _words("day_words")
YEAR_WORDS = _words("year_words")
YEAR_CONTEXT = YEAR_WORDS | MONTHS | _words("year_context")
ID_CONTEXT = _words("id_context")
NOT_COUNTED = _words("not_counted")
TIME_UNITS = TIME_UNIT_WORDS | _words("decades")
LOCATING = _words("locating")
TIME_PREPS = _words("time_prepositions")
SCOPING_DURATION = _words("scoping_duration")
BY_THEN = _words("by_then")
PART_OF_YEAR = _words("part_of_year")
PART_ORDINALS = _words("part_ordinals")
PERIODS = _words("periods")
RELATIVE = _words("relative")
THIS = _words("this")
YESTERDAY = _words("yesterday")
OTHERS = _words("others")
ONE_IDIOMS = _words("one_idioms")
FINAL = _words("final")
PRICE = _word("price")
LAST, SIX, THOUSAND = _word("i_am_not"), _word("six"), _word("thousand")
WEST_NAMES = _words("west_names")
STOP = _words("stop_words")
MEASURE_PARTICLES = _words("measure_particles")
MEASURE_LINKS = _words("measure_links") | MEASURE_PARTICLES
INNER_NOUN_WORDS = _words("inner_noun_words")
CONTINUATION = _words("continuation_words")
AGE_LINKS = _words("age_links")
AGE_UNITS = _words("age_units")
VALUE_WORDS = _words("value_words")
NUMBER_WORDS = (
    frozenset(UNITS)
    | frozenset(TENS)
    | frozenset(HUNDREDS)
    | frozenset(VAGUE)
    | frozenset(SCALE_ALONE)
    | frozenset(SCALE_DUAL)
    | frozenset(FRACTIONS)
)
