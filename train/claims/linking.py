"""Linking of claim spans into normalized records: each ``QTY`` with its quantity, its sentence, and the
``ENT`` and ``TIME`` of that sentence that belong to it.

Works on any claims spans, the rule tagger's (:func:`train.claims.rules.find_claims`) or a model's.
:func:`read_claims` drops the ``QTY`` spans of a model whose text reads as no number (a stray word
such as ``وملف``): every quantity of the guidelines has a value or a bound. :func:`claim_records` reads
each ``QTY`` with :func:`train.claims.quantity.parse_quantity` and links to it the nearest ``ENT`` it owns
(:func:`_owners`) or shares (an amount after another, a count followed by ``آخرين``), the nearest ``TIME`` of
its clause (:func:`_same_clause`), and, when its sentence has none and a cue says an earlier sentence of the
paragraph governs it, that sentence's (:func:`_inherit`). :func:`set_link` writes every link, for every linker.
Each look-up is logarithmic (:class:`_Nearest`) and inheritance keeps only the last own link of the article,
so the records of an article take time linear in it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate

from train.claims.lexicon import COMMAS, CONTINUATION, OTHERS
from train.claims.quantity import leading_context, parse_quantity
from train.claims.record import Quantity
from train.claims.sentence import LAYER, has
from train.claims.words import norm_word
from train.data.spans import Span
from train.data.text import Sentence, paragraph_of, split_sentences, tokenize

CLAUSE_BREAK_RE = re.compile(f"[{''.join(COMMAS)}]\\s*و")  # a comma, then the conjunction opening a clause
LINKER = "rules"  # what --explain names the linker of this module
LINKS = ("entity", "time")
ENTITY_LINK = (
    "the nearest of the ENT spans the QTY owns: an ENT belongs to the QTY right before it (at most 2 words "
    "between), to a QTY written right after it, else to the next amount of money, percentage or measure after "
    "it, else to the last QTY before it or the first of its sentence"
)
SHARED_LINK = (
    "no ENT of its own: an amount of money, percentage or measure shares the ENT of the last such amount "
    "before it in the sentence; a count followed by 'others' (آخرين) that of the last QTY before it"
)
TIME_LINK = (
    "the nearest TIME span of the sentence (a tie goes to the one after the QTY), unless a comma separates "
    "them and the TIME on the QTY's other side is in its clause"
)
INHERITED_LINK = (
    "none in its sentence: inherited from the nearest earlier sentence of the same paragraph that has its own "
    "(its last linked span), a TIME when the sentence opens with a continuation word (كما, كذلك, أما), an ENT "
    "by a count followed by 'others' (آخرين)"
)


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


MEASURED = frozenset({"money", "percent", "measure"})  # kinds whose ENT is the variable they measure
CUE_WORDS = 3  # the first words of a sentence where a continuation word is looked for
NEAR_WORDS = 2  # words (``من``, ``آخرين``) that may stand between a quantity and the noun it counts


def _owners(text: str, quantities: list[Span], kinds: dict[Span, str | None], entities: list[Span]) -> dict[Span, list[Span]]:
    """Each ENT belongs to the QTY it is written for: the QTY right before it (at most :data:`NEAR_WORDS`
    words between, no punctuation: Arabic counts its noun after the number, ``400 من المقاتلين``), or the QTY right after it
    (only spaces between: ``مرة واحدة``, unless a QTY stands right before it too); else the next amount of
    money, percentage or measure after it in the sentence, which measures it (``بلغت الصادرات 12.7 مليار
    دولار``); else the last QTY before it, or the first of the sentence. ``quantities`` are sorted."""
    owned: dict[Span, list[Span]] = {}
    starts = [q.start for q in quantities]
    for ent in entities:
        before = bisect_left(starts, ent.start)  # quantities[:before] start before the ENT
        previous = quantities[before - 1] if before else None
        after = quantities[before] if before < len(quantities) else None
        gap = text[previous.end : ent.start].split() if previous is not None else []
        near_before = previous is not None and len(gap) <= NEAR_WORDS and all(word.isalpha() for word in gap)
        right_before = after is not None and not text[ent.end : after.start].strip()
        if right_before and (previous is None or text[previous.end : ent.start].strip()):
            owner = after
        elif near_before:
            owner = previous
        elif after is not None and kinds.get(after) in MEASURED:
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


def read_claims(text: str, spans: Iterable[Span], why: Callable[[Span], dict] | None = None) -> tuple[list[Span], list[dict]]:
    """``spans`` less the ``QTY`` spans whose record has no value and no bound (a model's stray word such as
    ``وملف``: every quantity of the guidelines has one), and the :func:`claim_records` of those kept: what
    ``tag`` writes, each ``QTY`` read once."""
    spans = list(spans)
    records, dropped = _records(text, spans, why, drop_unread=True)
    return [span for span in spans if span not in dropped], records


def claim_records(text: str, spans: Iterable[Span], why: Callable[[Span], dict] | None = None) -> list[dict]:
    """One record per QTY span: its normalized quantity, sentence, and the ENT and TIME it belongs to.

    Works on any claims spans (rule or model output): spans are assigned to the sentence of
    :func:`train.data.text.split_sentences` in which they start. Within a sentence (:func:`_sentence_links`),
    a TIME may scope several QTYs; an ENT links to the QTY that owns it (see :func:`_owners`), so the noun
    counted by one number is not lent to a neighbouring amount of money, and is shared by the amounts
    that follow its own without an ENT of theirs. A record left without an ENT or a TIME in its sentence
    inherits them from the nearest earlier sentence of its paragraph that has its own (:func:`_inherit`).
    Given ``why`` (a span -> what made it), each record also has an ``explain`` field (:func:`_explained`).
    """
    return _records(text, spans, why)[0]


def _records(
    text: str, spans: Iterable[Span], why: Callable[[Span], dict] | None, drop_unread: bool = False
) -> tuple[list[dict], set[Span]]:
    """:func:`claim_records`, and the ``QTY`` spans dropped: with ``drop_unread``, those that read as no number,
    the records made as if they were not among ``spans``."""
    sentences = split_sentences(text)
    sentence_of = _sentence_index(sentences)
    paragraph = paragraph_of(text)
    by_label: dict[str, dict[int, list[Span]]] = {"QTY": {}, "ENT": {}, "TIME": {}}
    for span in sorted(spans):
        if span.layer == LAYER and span.label in by_label:
            by_label[span.label].setdefault(sentence_of(span), []).append(span)
    records, dropped = [], set()
    governing: dict[str, tuple[int, Span]] = {}  # link -> (paragraph, span) of the last sentence that had its own
    for index, quantities in sorted(by_label["QTY"].items()):
        sentence: Sentence | None = sentences[index] if sentences else None
        s_start, s_end = (sentence.start, sentence.end) if sentence else (0, len(text))
        read = {qty: _read(text, qty, s_end) for qty in quantities}
        if drop_unread:
            dropped.update(qty for qty, quantity in read.items() if not quantity.has_number)
            read = {qty: quantity for qty, quantity in read.items() if quantity.has_number}
            quantities = list(read)
            if not quantities:
                continue
        kinds = {qty: quantity.kind for qty, quantity in read.items()}
        linked = _sentence_links(text, read, by_label["ENT"].get(index, []), by_label["TIME"].get(index, []))
        others = [kind == "count" and _others_after(text, qty) for qty, kind in kinds.items()]
        cues = {"entity": others, "time": [_continues(sentence)] * len(quantities)}
        _inherit(linked, governing, paragraph(s_start), cues)
        for qty, links in zip(quantities, linked):
            record = {"text": text[qty.start : qty.end], "start": qty.start, "end": qty.end, **read[qty].to_dict()}
            for key, (chosen, _, _, inherited) in links.items():
                set_link(record, text, key, chosen, LINKER, inherited)
            record |= {"sentence": text[s_start:s_end], "sentence_start": s_start}
            if why:
                record["explain"] = _explained(text, qty, why, links)
            records.append(record)
    return records, dropped


def _sentence_links(text: str, read: dict[Span, Quantity], entities: list[Span], times: list[Span]) -> list[dict]:
    """For each QTY of one sentence (the keys of ``read``, sorted), its ``entity`` and ``time`` links as
    (chosen span, candidates, rule, inherited): the nearest ENT it owns (:func:`_owners`), else, for an
    amount of money, a percentage or a measure, the ENT of the last such amount before it (``ارتفعت الأرباح
    بنحو 12% إلى 72.5 مليون ريال``), and for a count followed by ``آخرين`` the ENT of the last QTY before it
    that has one (``مقتل 5 من العناصر وإصابة 6 آخرين``); and the nearest TIME of the sentence, preferring
    one of the QTY's own clause (:func:`_same_clause`)."""
    quantities = list(read)
    kinds = {qty: quantity.kind for qty, quantity in read.items()}
    owned = _owners(text, quantities, kinds, entities) if entities else {}
    nearest_time = _Nearest(times)
    linked, last_measured, last_any = [], None, None
    for qty in quantities:
        entity, rule = _Nearest(owned.get(qty, []))(qty), ENTITY_LINK
        if entity is None and kinds[qty] in MEASURED and last_measured is not None:
            entity, rule = last_measured, SHARED_LINK
        elif entity is None and kinds[qty] == "count" and last_any is not None and _others_after(text, qty):
            entity, rule = last_any, SHARED_LINK
        if entity is not None:
            last_any = entity
            if kinds[qty] in MEASURED:
                last_measured = entity
        candidates = owned.get(qty, []) if rule == ENTITY_LINK else [entity]
        time = _same_clause(text, qty, nearest_time(qty), times)
        linked.append({"entity": (entity, candidates, rule, False), "time": (time, times, TIME_LINK, False)})
    return linked


def _same_clause(text: str, qty: Span, nearest: Span | None, times: list[Span]) -> Span | None:
    """``nearest``, unless a comma stands between it and ``qty``: then the TIME on the other side of ``qty``
    (the first after it, or the last before it) when no comma separates it (in a list, ``451 مليون دولار في
    يناير، و435 مليون دولار في فبراير``, each amount takes the time of its own clause), else ``nearest`` unless
    the comma ends a clause before the conjunction ``و`` of another (``لعب 92 مرة، وانتخب ... منذ 2011``: none;
    the tagger's :func:`train.claims.rules.clause_breaks`)."""
    if nearest is None or not _commas_between(text, qty, nearest):
        return nearest
    k = bisect_left(times, nearest)
    other = times[k + 1] if nearest.end <= qty.start and k + 1 < len(times) else times[k - 1] if k else None
    if other is not None and other != nearest and not _commas_between(text, qty, other):
        return other
    return None if CLAUSE_BREAK_RE.search(_between(text, qty, nearest)) else nearest


def _between(text: str, a: Span, b: Span) -> str:
    return text[min(a.end, b.end) : max(a.start, b.start)]


def _commas_between(text: str, a: Span, b: Span) -> bool:
    return any(comma in _between(text, a, b) for comma in COMMAS)


def _others_after(text: str, qty: Span) -> bool:
    """Whether the word after ``qty`` is ``آخرين`` ("others": the noun is the one counted before)."""
    following = tokenize(text[qty.end : qty.end + 16])
    return bool(following) and has(norm_word(following[0].text), OTHERS)


def _continues(sentence: Sentence | None) -> bool:
    """Whether one of the first :data:`CUE_WORDS` words of ``sentence`` continues the report before it
    (``كما``, ``وكذلك``, ``أما``: ``continuation_words`` of the lexicon)."""
    return sentence is not None and any(has(norm_word(t.text), CONTINUATION) for t in sentence.tokens[:CUE_WORDS])


def _inherit(linked: list[dict], governing: dict[str, tuple[int, Span]], paragraph: int, cues: dict[str, list[bool]]) -> None:
    """Fill the empty links of one sentence's records from ``governing`` (the last own span of each link in
    an earlier sentence, with its paragraph) when it is of the same paragraph and the record's cue for that
    link (``cues[link][i]``) says the earlier sentence governs it, marked inherited; then make this
    sentence's own last spans the governing ones."""
    own = {key: next((links[key][0] for links in reversed(linked) if links[key][0] is not None), None) for key in LINKS}
    for i, links in enumerate(linked):
        for key in LINKS:
            if links[key][0] is None and cues[key][i] and key in governing and governing[key][0] == paragraph:
                links[key] = (governing[key][1], [governing[key][1]], INHERITED_LINK, True)
    for key, span in own.items():
        if span is not None:
            governing[key] = (paragraph, span)


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
    for key, (chosen, candidates, rule, inherited) in links.items():
        explained[key] = {"linker": LINKER, "rule": rule, "candidates": candidates, "chosen": chosen, "inherited": inherited}
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
