"""Linking of claim spans into normalized records: each ``QTY`` with its quantity, its sentence, and the
``ENT`` and ``TIME`` of that sentence that belong to it.

Works on any claims spans, the rule tagger's (:func:`train.claims.rules.find_claims`) or a model's.
:func:`readable_claims` drops the ``QTY`` spans of a model whose text reads as no number (a stray word
such as ``وملف``): every quantity of the guidelines has a value or a bound. :func:`claim_records` reads
each ``QTY`` with :func:`train.claims.quantity.parse_quantity` and links to it the nearest ``TIME`` of
its sentence and the nearest ``ENT`` it owns (:func:`_owners`). Each look-up is logarithmic
(:class:`_Nearest`), so the records of a sentence take time linear in it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate

from train.claims.quantity import leading_context, parse_quantity
from train.claims.record import Quantity
from train.claims.sentence import LAYER
from train.data.spans import Span
from train.data.text import Sentence, split_sentences

LINKER = "nearest"  # what --explain names the linker of this module
ENTITY_LINK = (
    "the nearest of the ENT spans the QTY owns: an ENT belongs to the last QTY before it, to a QTY written "
    "right after it, else to the first QTY of its sentence"
)
TIME_LINK = "the nearest TIME span of the sentence (a tie goes to the one after the QTY)"


class _Nearest:
    """The span of sorted ``spans`` nearest to a QTY: the least (gap, starts before the QTY), the first
    such in order. Each look-up takes logarithmic time, so a sentence's records stay linear in it."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.starts = [s.start for s in spans]
        self.reach = list(accumulate((s.end for s in spans), max))  # the furthest end so far

    def __call__(self, qty: Span) -> Span | None:
        before = bisect_left(self.starts, qty.start)  # spans[:before] start before the QTY
        best: tuple[int, bool, int] | None = None
        if before:  # the gap of one of them is how far its end falls short of the QTY's start
            gap = max(qty.start - self.reach[before - 1], 0)
            best = (gap, True, bisect_left(self.reach, qty.start - gap, 0, before))
        if before < len(self.spans):  # the nearest of the others is the first: its gap is its start's distance
            gap = max(self.starts[before] - qty.end, 0)
            if best is None or gap <= best[0]:  # a tie goes to the span that does not start before
                best = (gap, False, before)
        return None if best is None else self.spans[best[2]]


def _owners(text: str, quantities: list[Span], entities: list[Span]) -> dict[Span, list[Span]]:
    """Each ENT belongs to the last QTY before it (Arabic counts its noun after the number), or to the
    first QTY of the sentence when none comes before it; but an ENT written right before a QTY (only
    spaces between: ``مرة واحدة``) belongs to that QTY, unless a QTY stands right before the ENT too.
    ``quantities`` are sorted."""
    owned: dict[Span, list[Span]] = {}
    starts = [q.start for q in quantities]
    for ent in entities:
        before = bisect_left(starts, ent.start)  # quantities[:before] start before the ENT
        previous = quantities[before - 1] if before else None
        after = quantities[before] if before < len(quantities) else None
        counted_after = after is not None and not text[ent.end : after.start].strip()
        if counted_after and (previous is None or text[previous.end : ent.start].strip()):
            owner = after
        else:
            owner = previous or quantities[0]
        owned.setdefault(owner, []).append(ent)
    return owned


def _sentence_index(sentences: list[Sentence]) -> Callable[[Span], int]:
    """Span -> index of the sentence it starts in."""
    starts = [s.start for s in sentences]
    return lambda span: max(bisect_right(starts, span.start) - 1, 0)


def _read(text: str, qty: Span, sentence_end: int) -> Quantity:
    """The record of ``qty``, read with the rest of its sentence as context (as :func:`claim_records` does)."""
    return parse_quantity(text[qty.start : qty.end], context_after=leading_context(text, qty.end, max(sentence_end, qty.end)))


def readable_claims(text: str, spans: Iterable[Span]) -> list[Span]:
    """``spans`` less the ``QTY`` spans whose record has no value and no bound."""
    sentences = split_sentences(text)
    sentence_of = _sentence_index(sentences)
    return [
        span
        for span in spans
        if span.label != "QTY" or _read(text, span, sentences[sentence_of(span)].end if sentences else len(text)).has_number
    ]


def claim_records(text: str, spans: Iterable[Span], why: Callable[[Span], dict] | None = None) -> list[dict]:
    """One record per QTY span: its normalized quantity, sentence, and nearest ENT and TIME there.

    Works on any claims spans (rule or model output): spans are assigned to the sentence of
    :func:`train.data.text.split_sentences` in which they start, and only same-sentence spans link. A TIME
    may scope several QTYs; an ENT links only to the QTY that owns it (see :func:`_owners`), so the
    noun counted by one number is not lent to a neighbouring amount of money. Given ``why`` (a span ->
    what made it), each record also has an ``explain`` field (:func:`_explained`).
    """
    sentences = split_sentences(text)
    sentence_of = _sentence_index(sentences)
    by_label: dict[str, dict[int, list[Span]]] = {"QTY": {}, "ENT": {}, "TIME": {}}
    for span in sorted(spans):
        if span.layer == LAYER and span.label in by_label:
            by_label[span.label].setdefault(sentence_of(span), []).append(span)
    records = []
    for index, quantities in sorted(by_label["QTY"].items()):
        sentence: Sentence | None = sentences[index] if sentences else None
        s_start, s_end = (sentence.start, sentence.end) if sentence else (0, len(text))
        owned = _owners(text, quantities, by_label["ENT"].get(index, []))
        times = by_label["TIME"].get(index, [])
        nearest_time = _Nearest(times)
        for qty in quantities:
            quantity = _read(text, qty, s_end)
            entity = _Nearest(owned.get(qty, []))(qty)
            time = nearest_time(qty)
            links = {"entity": (entity, owned.get(qty, []), ENTITY_LINK), "time": (time, times, TIME_LINK)}
            record = {"text": text[qty.start : qty.end], "start": qty.start, "end": qty.end, **quantity.to_dict()}
            set_link(record, text, "entity", entity, LINKER)
            set_link(record, text, "time", time, LINKER)
            record |= {"sentence": text[s_start:s_end], "sentence_start": s_start}
            if why:
                record["explain"] = _explained(text, qty, why, links)
            records.append(record)
    return records


def set_link(record: dict, text: str, key: str, span: Span | None, linker: str, inherited: bool = False) -> None:
    """Write ``record``'s ``key`` link (``"entity"`` or ``"time"``) to ``span`` (``None``: no link): its text,
    ``<key>_start``, ``<key>_end``, ``<key>_inherited`` (the span is in an earlier sentence) and the name of
    the ``linker`` that chose it under ``record["linker"][key]``. The one writer of links, for every linker."""
    record[key] = text[span.start : span.end] if span else None
    record[f"{key}_start"] = span.start if span else None
    record[f"{key}_end"] = span.end if span else None
    record[f"{key}_inherited"] = inherited and span is not None
    record.setdefault("linker", {})[key] = linker


def _explained(text: str, qty: Span, why: Callable[[Span], dict], links: dict[str, tuple]) -> dict:
    """The ``explain`` field of ``qty``'s record: what made the QTY span (``why``: the rule tagger's trace,
    :func:`train.claims.rules.find_claims`, or the model that made it), and for its ``entity`` and
    ``time``: the linker and its rule, the candidate spans, the chosen one and what made it (the tagger's
    own account of the link, when it gives one, as ``tagger``). Spans are given as text and offsets."""
    made = why(qty)
    explained: dict = {"qty": {key: value for key, value in made.items() if key not in links}}
    for key, (chosen, candidates, rule) in links.items():
        explained[key] = {"linker": LINKER, "rule": rule, "candidates": candidates, "chosen": chosen}
        explained[key]["span"] = why(chosen) if chosen else None
        if key in made:
            explained[key]["tagger"] = made[key]
    return _plain(text, explained)


def _plain(text: str, value):
    """``value`` with every span as ``{"text", "start", "end"}`` and tuples as lists (JSON)."""
    if isinstance(value, Span):
        return {"text": text[value.start : value.end], "start": value.start, "end": value.end}
    if isinstance(value, dict):
        return {key: _plain(text, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(text, item) for item in value]
    return value
