"""The sub-grammar of numbers: digits, number words, scales, vague amounts and fractions.

* Digits in ASCII, Arabic-Indic and Persian (the pieces of :func:`train.claims.words.lex` are ASCII):
  ``٫`` is a decimal mark, ``٬`` a thousands mark; ``,`` ``،`` ``.`` are thousands marks when every group
  after the first has three digits and no scale word follows, otherwise decimal marks (:func:`read_digits`).
* Number words 0..999 (units, teens, tens, compounds with ``و``, hundreds), times a scale word
  (``ثلاثة آلاف``), a scale alone or as a dual (``ألف``, ``مليونين``), continued with ``و`` below that
  scale (``مليون و200 ألف``, ``مليون ونصف``).
* Vague amounts (``بضعة``, ``عشرات``, ``عشرات الآلاف``, ``نيف وعشرون``): bounds, no value.
* Fractions (``نصف``, ``ثلثاهم``, ``ثلاثة أرباع``, ``نصف مليون``); ``خمس/سبع/تسع/عشر`` read as fractions only
  before a definite word or nothing (``خمس السكان``), else as cardinals (``خمس سنوات``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from train.claims.lexicon import (
    AMBIGUOUS_FRACTIONS,
    FEW,
    FEW_OF,
    FRACTIONS,
    HALF,
    HUNDRED,
    HUNDREDS,
    NAYYIF,
    PLURAL_FRACTIONS,
    PLURAL_SCALE,
    PRONOUN_SUFFIXES,
    SCALE_AFTER_NUMBER,
    SCALE_ALONE,
    SCALE_DUAL,
    TEEN_ONLY_UNITS,
    TEEN_TAIL,
    TENS,
    UNITS,
    VAGUE,
)
from train.claims.markers import MarkerGrammar
from train.claims.words import any_prefix, article, conj, splits


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


class NumberGrammar(MarkerGrammar):
    """Reads the number at a piece (it looks at a marker only to tell a fraction from a cardinal)."""

    def number(self, i: int, allow: Callable[[str], bool] = any_prefix, max_scale: int = 0) -> Num | None:
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
            for table, times in ((SCALE_DUAL, 2), (SCALE_ALONE, 1)):
                if hit := self.word(i, table, allow):
                    scale = table[hit[1]]
                    if max_scale and scale >= max_scale:
                        return None
                    return self.continued(Num(i + 1, Fraction(times * scale), scale=scale, article="ال" in hit[0]))
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

    def below_100(self, i: int, allow: Callable[[str], bool]) -> tuple[int, str, int] | None:
        """(value, stem of the last word, end) of a word number 1..99."""
        if hit := self.word(i, UNITS, allow) or self.word(i, TEEN_ONLY_UNITS, allow):
            stem = hit[1]
            unit = UNITS.get(stem, TEEN_ONLY_UNITS.get(stem))
            if unit < 10 and self.word(i + 1, TEEN_TAIL):
                return 10 + unit, "", i + 2
            if unit < 10 and (tens := self.word(i + 1, TENS, conj)):
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
        if rest := self.below_100(j, conj):
            return hundreds + rest[0], "", rest[2]
        return hundreds, "", j

    def scale_at(self, i: int) -> int:
        hit = self.word(i, SCALE_AFTER_NUMBER)
        return SCALE_AFTER_NUMBER[hit[1]] if hit else 0

    def continued(self, num: Num) -> Num:
        """``num`` (ending with a scale word) plus a smaller number joined with و."""
        if self.is_word(num.end, HALF, conj):
            return Num(num.end + 1, num.value + Fraction(num.scale, 2), scale=num.scale, article=num.article)
        rest = self.number(num.end, conj, max_scale=num.scale)
        if rest is None or rest.vague or rest.fraction:
            return num
        return Num(rest.end, num.value + rest.value, scale=rest.scale or num.scale, article=num.article)

    def vague(self, i: int, allow: Callable[[str], bool]) -> Num | None:
        if hit := self.word(i, VAGUE, allow):
            low, top, open_top = VAGUE[hit[1]]
            has_article = "ال" in hit[0]
            if hit[1] in FEW and (of := self.word(i + 1, FEW_OF)):
                mult = FEW_OF[of[1]]
                return Num(i + 2, lower=Fraction(3 * mult), upper=Fraction(9 * mult), article=has_article)
            if open_top and (of := self.word(i + 1, PLURAL_SCALE, article)) and PLURAL_SCALE[of[1]] > low:
                mult = PLURAL_SCALE[of[1]]
                return Num(i + 2, lower=Fraction(low * mult), upper=Fraction(top * mult - 1), article=has_article)
            return Num(i + 1, lower=Fraction(low), upper=Fraction(top - 1 if open_top else top), article=has_article)
        tens = None
        if self.is_word(i, NAYYIF, allow) and (hit := self.word(i + 1, TENS, conj)):
            tens, j = TENS[hit[1]], i + 2
        elif (hit := self.word(i, TENS, allow)) and self.is_word(i + 1, NAYYIF, conj):
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

    def _article(self, i: int, allow: Callable[[str], bool]) -> bool:
        for prefix, stem in splits(self.toks[i].text):
            if allow(prefix) and (stem in UNITS or stem in TENS or stem in HUNDREDS or stem in TEEN_ONLY_UNITS):
                return "ال" in prefix
        return False
