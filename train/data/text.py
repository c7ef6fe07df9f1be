"""Arabic text handling shared by every step: normalization, word tokenization and sentence splitting.

All functions keep character offsets into the original text, so spans found on normalized or
tokenized text always map back to the article as written.

Words follow the annotation guidelines (``docs/annotation.md``): a word is a maximal run of letters,
digits and Arabic combining marks; every other non-space character is a word of its own; clitics
stay attached (``والعراق``, ``و60``). One refinement, matching ANERcorp: a digit group joined by a
decimal or thousands mark (``12.7``, ``1,250,000``, ``٣٫٥``) is one word, and such a mark never ends
a sentence.

A sentence has at most :data:`MAX_SENTENCE_WORDS` words (400; the longest of the 44,766 sentences of
ant-news has 280). Text with no sentence punctuation (transcripts, social media, OCR) is cut into
such pieces, after the last comma or colon of a piece's second half, else between two words without
digits there, else at the limit; so the rules, the claim records (each carries its sentence) and the
model's batches stay linear in the length of an article. A claim that spans such a cut is lost or
read in part; every text with shorter sentences is split exactly as before.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Arabic combining marks (harakat, Quranic marks, superscript alef) and tatweel.
DIACRITICS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
TATWEEL = "\u0640"
DIGIT_SCRIPTS = ("0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹")  # Western, Arabic-Indic, Persian: index = value
_DIACRITICS_RE = re.compile(f"[{DIACRITICS}]")
_TATWEEL_RE = re.compile(TATWEEL)

_NUMBER_JOINERS = ".,\u060c\u066b\u066c"  # . , ، ٫ ٬
WORD_RE = re.compile(rf"(?:\d[{_NUMBER_JOINERS}](?=\d)|[^\W_]|[{DIACRITICS}{TATWEEL}])+|\S")
SENTENCE_END = frozenset(".!?؟؛;")
MAX_SENTENCE_WORDS = 400
SOFT_BREAKS = frozenset(",،:")  # where an over-long sentence is best cut
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")  # a blank line


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


class WordIndex:
    """Character offsets -> the words ``[first, end)`` of ``tokens`` that a span covers, when the span starts
    at a word's start and ends at a word's end."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.first = {t.start: w for w, t in enumerate(tokens)}
        self.last = {t.end: w + 1 for w, t in enumerate(tokens)}

    def __call__(self, start: int, end: int) -> tuple[int, int]:
        return self.first[start], self.last[end]

    def find(self, start: int, end: int) -> tuple[int, int] | None:
        """As calling it, ``None`` for a span not on word boundaries of these tokens."""
        return (self.first[start], self.last[end]) if start in self.first and end in self.last else None


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: its tokens carry offsets into the whole article text."""

    start: int
    end: int
    tokens: tuple[Token, ...]


def normalize(text: str) -> str:
    """``text`` without diacritics and tatweel, as CAMeLBERT and the mini BERT were pretrained (a model's
    tokenizer applies its own configured normalization, :func:`train.training.base_model.with_normalization`)."""
    return _TATWEEL_RE.sub("", _DIACRITICS_RE.sub("", text))


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Split ``text`` into words with offsets (shifted by ``offset``)."""
    return [Token(m.group(), m.start() + offset, m.end() + offset) for m in WORD_RE.finditer(text)]


def _cut(tokens: list[Token]) -> int:
    """Where to cut a sentence that reached :data:`MAX_SENTENCE_WORDS` words: after the last comma or
    colon of its second half, else at the last boundary there between two words without digits (not
    inside ``20 ألف``), else after all of it."""
    half = len(tokens) // 2
    for k in range(len(tokens) - 1, half - 1, -1):
        if tokens[k].text in SOFT_BREAKS:
            return k + 1
    for k in range(len(tokens) - 1, half, -1):
        if not any(c.isdigit() for c in tokens[k - 1].text + tokens[k].text):
            return k
    return len(tokens)


def split_sentences(text: str) -> list[Sentence]:
    """Split an article into sentences at ``. ؟ ! ؛`` (and ASCII ``? ;``) and at line breaks, and a
    sentence of :data:`MAX_SENTENCE_WORDS` words where :func:`_cut` says (see the module docstring)."""
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        current: list[Token] = []
        for token in tokenize(line.group(), line.start()):
            current.append(token)
            if token.text in SENTENCE_END or len(current) >= MAX_SENTENCE_WORDS:
                cut = len(current) if token.text in SENTENCE_END else _cut(current)
                sentences.append(Sentence(current[0].start, current[cut - 1].end, tuple(current[:cut])))
                current = current[cut:]
        if current:
            sentences.append(Sentence(current[0].start, current[-1].end, tuple(current)))
    return sentences


def paragraph_of(text: str) -> Callable[[int], int]:
    """The index of the paragraph holding a character offset of ``text``: paragraphs are separated by blank
    lines (a line break alone separates sentences, not paragraphs; docs/annotation.md, "Links")."""
    breaks = [match.end() for match in PARAGRAPH_BREAK.finditer(text)]
    return lambda offset: bisect_right(breaks, offset)
