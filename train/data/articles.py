"""The in-memory article every reader produces, and the checks every annotated article must pass."""

from __future__ import annotations

from dataclasses import dataclass, field

from train.data.labels import LAYERS, entity_labels
from train.data.spans import Span
from train.data.text import Sentence, split_sentences
from train.errors import DataError


@dataclass
class Article:
    id: str
    text: str
    spans: list[Span]
    layers: tuple[str, ...]
    source: str = ""
    meta: dict = field(default_factory=dict)
    sentences: list[Sentence] | None = None

    def __post_init__(self) -> None:
        if self.sentences is None:
            self.sentences = split_sentences(self.text)


def check_spans(article: Article, where: str) -> None:
    """Raise :class:`DataError` for an empty text, unknown layer or label, out-of-range offsets,
    a boundary inside a word, a span across sentences, or overlapping spans within a layer."""
    if not article.text.strip():
        raise DataError(f"{where}: article '{article.id}' has an empty text")
    starts, ends, sentence_of = set(), set(), {}
    for index, sentence in enumerate(article.sentences):
        for token in sentence.tokens:
            starts.add(token.start)
            ends.add(token.end)
            sentence_of[token.start] = sentence_of[token.end] = index
    by_layer: dict[str, list[Span]] = {}
    for span in article.spans:
        described = f"{where}: span {span.start}-{span.end} {span.layer}/{span.label}"
        if span.layer not in LAYERS:
            raise DataError(f"{described}: unknown layer '{span.layer}' (expected one of {', '.join(LAYERS)})")
        if span.label not in entity_labels(span.layer):
            raise DataError(
                f"{described}: unknown label '{span.label}' for layer '{span.layer}' "
                f"(expected one of {', '.join(entity_labels(span.layer))}; see docs/annotation.md)"
            )
        if not 0 <= span.start < span.end <= len(article.text):
            raise DataError(f"{described}: offsets outside the text (length {len(article.text)})")
        covered = article.text[span.start : span.end]
        if span.start not in starts or span.end not in ends:
            raise DataError(
                f"{described} '{covered}': boundary inside a word; spans must cover whole words "
                "(docs/annotation.md, 'Span rules')"
            )
        if sentence_of[span.start] != sentence_of[span.end]:
            raise DataError(f"{described} '{covered}': crosses a sentence boundary")
        by_layer.setdefault(span.layer, []).append(span)
    for layer, spans in by_layer.items():
        spans.sort()
        for before, after in zip(spans, spans[1:]):
            if after.start < before.end:
                raise DataError(
                    f"{where}: overlapping {layer} spans {before.start}-{before.end} "
                    f"'{article.text[before.start : before.end]}' and {after.start}-{after.end} "
                    f"'{article.text[after.start : after.end]}' (a layer is flat)"
                )
