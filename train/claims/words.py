"""Words as the claims grammar sees them: normalized spelling, pieces and proclitics.

:func:`norm_word` puts a word in the spelling the lexicon uses; :func:`lex` splits words into pieces (digit
groups, runs of letters, symbols); :func:`splits` gives the (proclitics, stem) readings of a piece; and
:class:`Pieces` is the grammar's access to a list of pieces: a word of a table under the clitics allowed
where it stands, a phrase, a symbol.

Normalization: proclitics ``و ف ب ل ك`` (also ``لـ``, ``بـ``) and the article ``ال`` are split off,
diacritics and tatweel ignored, and ``ى/ي``, ``أ/إ/آ/ا``, ``ة/ه``, ``مائة/مئة`` read as one. Invisible format
characters (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF) are ignored; they never shift offsets,
which are the caller's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from train.data.text import DIGIT_SCRIPTS, normalize

_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك"})
ASCII_DIGITS = frozenset("0123456789")
_DIGITS = str.maketrans(DIGIT_SCRIPTS[1] + DIGIT_SCRIPTS[2], DIGIT_SCRIPTS[0] * 2)
PIECE_RE = re.compile(r"[0-9](?:[.,،٫٬]?[0-9])*|[^\W\d_]+|\S")
_CLITICS_RE = re.compile(r"(?:[وف]?[بلك]?(?:ال)?|[وف]?لل)")
_SPLIT_RE = re.compile(r"[وف]?(?:[بلك]?(?:ال)?|لل)")
# A definite word (with the article, after any proclitics) of at least two letters.
DEFINITE_RE = re.compile(r"[وف]?(?:[بكل]?ال|لل)..")

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
        pieces = PIECE_RE.findall(norm_word(word))
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
def any_prefix(prefix: str) -> bool:
    return True


def no_prefix(prefix: str) -> bool:
    return prefix == ""


def conj(prefix: str) -> bool:
    return prefix == "و"


def article(prefix: str) -> bool:
    return prefix in ("", "ال")


def no_article(prefix: str) -> bool:
    return "ال" not in prefix and prefix != "لل"


class Pieces:
    """Access to a list of pieces (see :func:`lex`), of which the grammar may read the first ``limit``;
    the pieces after it are context (what follows the expression) that only a look-ahead sees."""

    def __init__(self, toks: Sequence[Tok], limit: int | None = None) -> None:
        self.toks = toks
        self.limit = len(toks) if limit is None else limit

    def word(self, i: int, table: dict | set | frozenset, allow: Callable[[str], bool] = no_prefix) -> tuple[str, str] | None:
        """(prefix, stem) of piece ``i`` when it is a word whose stem is in ``table``."""
        if i >= self.limit or self.toks[i].kind != "word":
            return None
        for prefix, stem in splits(self.toks[i].text):
            if stem in table and allow(prefix):
                return prefix, stem
        return None

    def is_word(self, i: int, stem: str, allow: Callable[[str], bool] = no_prefix) -> bool:
        return self.word(i, {stem}, allow) is not None

    def phrase(self, i: int, stems: tuple[str, ...]) -> int | None:
        """The end of the words ``stems``, without clitics, read from piece ``i``."""
        for k, stem in enumerate(stems):
            if not self.is_word(i + k, stem):
                return None
        return i + len(stems)

    def sym(self, i: int, chars: frozenset[str] | dict) -> str | None:
        if i < self.limit and self.toks[i].kind == "sym" and self.toks[i].text in chars:
            return self.toks[i].text
        return None


def year_like(literal: str) -> bool:
    """A bare four-digit number that reads as a year (1900..2099)."""
    return literal.isascii() and literal.isdigit() and len(literal) == 4 and 1900 <= int(literal) <= 2099
