"""The in-memory article every reader produces, and the checks every annotated article must pass: its spans, and
the links of its gold claim records (docs/annotation.md, "Links")."""

from __future__ import annotations

from dataclasses import dataclass, field

from train.data.labels import LAYERS, entity_labels
from train.data.spans import Span
from train.data.text import Sentence, paragraph_of, split_sentences
from train.errors import DataError


@dataclass(frozen=True)
class Link:
    """What a gold ``QTY`` record links to: the offsets of its ``ENT`` and ``TIME`` spans (``None``: none), each
    either in the quantity's sentence or, ``inherited``, in an earlier sentence of its paragraph."""

    entity: tuple[int, int] | None
    time: tuple[int, int] | None
    entity_inherited: bool
    time_inherited: bool


LINKED = {"entity": "ENT", "time": "TIME"}  # record key -> label of the span it names
LINK_KEYS = ("entity", "time", "entity_inherited", "time_inherited")  # what a linked gold record carries


@dataclass
class Article:
    id: str
    text: str
    spans: list[Span]
    layers: tuple[str, ...]
    source: str = ""
    meta: dict = field(default_factory=dict)
    sentences: list[Sentence] | None = None
    links: dict[tuple[int, int], Link] = field(default_factory=dict)  # QTY (start, end) -> its gold record's links

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


def check_links(article: Article, where: str) -> None:
    """Raise :class:`DataError` for a link of a gold ``QTY`` record to no span, to a span of another label, to
    another sentence without its ``_inherited`` flag, or, with the flag, to anything but an earlier sentence of
    the same paragraph. Call it after :func:`check_spans`."""
    if not article.links:
        return
    text, sentences = article.text, article.sentences
    starts = [sentence.start for sentence in sentences]
    sentence_of = {token.start: index for index, sentence in enumerate(sentences) for token in sentence.tokens}
    paragraph = paragraph_of(text)
    labels = {(s.start, s.end): s.label for s in article.spans if s.layer == "claims"}
    for (start, end), link in sorted(article.links.items()):
        described = f"{where}: article '{article.id}', span {start}-{end} claims/QTY '{text[start:end]}'"
        for key, label in LINKED.items():
            target, inherited = getattr(link, key), getattr(link, f"{key}_inherited")
            if target is None:
                if inherited:
                    raise DataError(f"{described}: {key}_inherited is true but its {key} is null")
                continue
            named = f"{described}: its {key} {target[0]}-{target[1]} '{text[target[0] : target[1]]}'"
            if target not in labels:
                raise DataError(f"{named} is no span of the article (a link names the offsets of an existing {label} span)")
            if labels[target] != label:
                raise DataError(f"{named} is labelled {labels[target]}, not {label}")
            own, linked = sentence_of[start], sentence_of[target[0]]
            if not inherited and linked != own:
                raise DataError(
                    f"{named} is in another sentence; a link without {key}_inherited stays in the sentence of the "
                    f"QTY (docs/annotation.md, 'Links')"
                )
            if inherited and not (linked < own and paragraph(starts[linked]) == paragraph(starts[own])):
                raise DataError(
                    f"{named} is not in an earlier sentence of the same paragraph, as {key}_inherited requires "
                    f"(docs/annotation.md, 'Links')"
                )
