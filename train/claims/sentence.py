"""One sentence as the rule tagger reads it (:mod:`train.claims.rules`, :mod:`train.claims.times`).

:class:`SentenceView` holds the sentence's words in normalized spelling, their pieces and the grammar
over them, and answers the questions the rules ask: the visible word before or after a place
(skipping invisible format characters, which are words of their own that normalize to nothing), the
span of some words, whether a word can head a noun phrase. :class:`Candidate` is a quantity the grammar
read, seen in its sentence: the words it covers and its neighbours, what every QTY rule looks at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from train.claims.grammar import Grammar, Match, can_start
from train.claims.lexicon import NUMBER_WORDS, ONE_AFTER, STOP
from train.claims.words import Tok, lex, norm_word, splits
from train.data.spans import Span
from train.data.text import Token

LAYER = "claims"


def has(word: str, stems: frozenset[str], article: bool | None = None) -> bool:
    """Whether the normalized ``word`` is one of ``stems`` under some clitics (with/without the article)."""
    for prefix, stem in splits(word):
        if stem in stems and (article is None or article == ("ال" in prefix or prefix.endswith("لل"))):
            return True
    return False


def is_noun(word: str) -> bool:
    """Whether a normalized word can be a noun: letters only, no stop word, no number word."""
    return bool(word) and word.isalpha() and word not in STOP and not any(stem in NUMBER_WORDS for _, stem in splits(word))


def digits(word: str) -> bool:
    return word.isascii() and word.isdigit()


@dataclass(frozen=True)
class Candidate:
    """A quantity read by the grammar, in its sentence: ``first`` and ``last`` are the words it covers,
    ``before`` and ``after`` the visible words around it (normalized; "" at the sentence's edge)."""

    match: Match
    first: int
    last: int
    before: str
    after: str
    core: Tok  # the first piece of the number itself (after any modifier)

    @property
    def loose(self) -> bool:
        """Whether its marker is a unit-like noun (يوما, نقطة)."""
        return self.match.marker is not None and self.match.marker.loose

    @property
    def one_word(self) -> bool:
        """A number of one piece with no modifier, alone or with a unit-like noun (عشر, ست, ألّف)."""
        m = self.match
        return m.start == m.core_start and m.number.end - m.core_start == 1 and (m.end == m.number.end or self.loose)


class SentenceView:
    """One sentence being tagged: its words, their normalized forms and their pieces."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.words = [norm_word(t.text) for t in tokens]
        self.toks: list[Tok] = lex([t.text for t in tokens])
        self.grammar = Grammar(self.toks)
        # the pieces one or two before a bare واحد, where a unit may start an expression (دولار أمريكي واحد)
        self.unit_starts = {k - d for k, tok in enumerate(self.toks) if tok.text in ONE_AFTER for d in (1, 2)}
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

    def word_after(self, w: int) -> str:
        """The visible word after word ``w`` ("" at the end)."""
        return self.word(self.next_word(w + 1))

    def tight(self, w: int) -> bool:
        """Whether word ``w`` is written against the words on both sides of it, with no space (``18:40``)."""
        t = self.tokens
        return 0 < w < len(t) - 1 and t[w - 1].end == t[w].start and t[w].end == t[w + 1].start

    def span(self, first_word: int, last_word: int, label: str) -> Span:
        return Span(self.tokens[first_word].start, self.tokens[last_word].end, label, LAYER)

    def candidate(self, match: Match) -> Candidate:
        first, last = self.toks[match.start].word, self.toks[match.end - 1].word
        before = self.word(self.next_word(first - 1, -1))
        return Candidate(match, first, last, before, self.word_after(last), self.toks[match.core_start])

    def candidate_at(self, i: int) -> Candidate | None:
        """The quantity the grammar reads from piece ``i``, when one may start there."""
        tok = self.toks[i]
        match = self.grammar.expression(i) if tok.first and (can_start(tok) or i in self.unit_starts) else None
        return None if match is None else self.candidate(match)

    def expression_at_word(self, w: int) -> Match | None:
        """The quantity the grammar reads from the first piece of word ``w``."""
        i = self.first_piece.get(w)
        return self.grammar.expression(i) if i is not None else None
