"""Labelled character spans and their conversion to and from BIO tags over words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from train.data.text import Token, WordIndex


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str
    layer: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label, "layer": self.layer}


def spans_to_bio(tokens: Sequence[Token], spans: Iterable[Span]) -> list[str]:
    """BIO tags for ``tokens``; every span must start and end on token boundaries."""
    tags = ["O"] * len(tokens)
    index = WordIndex(tokens)
    for span in spans:
        if (words := index.find(span.start, span.end)) is None:
            raise ValueError(f"span {span.start}-{span.end} {span.label} does not fall on word boundaries")
        tags[words[0]] = f"B-{span.label}"
        for i in range(words[0] + 1, words[1]):
            tags[i] = f"I-{span.label}"
    return tags


def bio_to_spans(tokens: Sequence[Token], tags: Sequence[str], layer: str) -> list[Span]:
    """Spans from IOB2 tags; an ``I-X`` that does not continue an ``X`` starts a new span."""
    spans: list[Span] = []
    label, first = None, 0
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, name = tag.partition("-")
        if label is not None and (prefix != "I" or name != label):
            spans.append(Span(tokens[first].start, tokens[i - 1].end, label, layer))
            label = None
        if prefix == "B" or (prefix == "I" and label is None):
            label, first = name, i
    return spans


def repair_bio(tags: Sequence[str]) -> tuple[list[str], int]:
    """Turn every ``I-X`` that does not follow ``B-X``/``I-X`` into ``B-X``; return tags and repair count."""
    fixed: list[str] = []
    repairs = 0
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
            repairs += 1
        fixed.append(tag)
        previous = tag
    return fixed, repairs
