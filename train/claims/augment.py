"""Mention replacement for the silver claims data (``silver.augment: N`` in the config, ``make silver``).

The silver text shows most of the normalizer's vocabulary too rarely for a model to learn it: in the
ant-news articles ``كلغ`` or ``حصاناً`` follow a number once or twice, so a model trained on the silver
alone reads ``42 كلغ`` as a count of kilograms (``QTY`` + ``ENT``) where the rule tagger knows a unit.
This module writes extra training sentences: a silver sentence with one of its ``QTY`` spans replaced
by another quantity expression of the same kind (count, money, percent, measure, fraction) that the
rule tagger found elsewhere in the silver. Kinds are drawn uniformly, then the expression's *group*
(its unit and its modifier: approximate, vague, a lower or upper bound, a range) uniformly within the
kind, then a *shape* (the text with each run of digits replaced by ``#``: ``نحو # كلغ``) uniformly
within the group, so a rare unit or modifier comes up as often as a common one; the digits are redrawn
in the same script. The rule tagger labels the new sentence, which is kept only when it reads the
inserted expression as exactly one ``QTY`` span.
Articles held out for validation or test give neither sentences nor expressions.

The method is the mention replacement of Dai and Adel (2020), "An Analysis of Simple Data Augmentation
for Named Entity Recognition", with the pool of mentions taken from the rule tagger's own output.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable

from tqdm.auto import tqdm

from train.claims.quantity import parse_quantity
from train.claims.record import Quantity
from train.claims.rules import find_claims
from train.data.spans import Span
from train.data.text import DIGIT_SCRIPTS, split_sentences

DIGIT_RUN_RE = re.compile(f"[{''.join(DIGIT_SCRIPTS)}]+")
TRIES = 5


def shape(expression: str) -> str:
    """The expression with every run of digits replaced by ``#``."""
    return DIGIT_RUN_RE.sub("#", expression)


def redraw_digits(expression: str, rng: random.Random) -> str:
    """The same expression with new random digits in the script of each digit (no leading zero)."""

    def new_run(match: re.Match) -> str:
        run = match.group()
        digits = next(script for script in DIGIT_SCRIPTS if run[0] in script)
        first = rng.choice(digits[1:] if len(run) > 1 else digits)
        return first + "".join(rng.choice(digits) for _ in run[1:])

    return DIGIT_RUN_RE.sub(new_run, expression)


def read(text: str, span: Span) -> Quantity:
    return parse_quantity(text[span.start : span.end], context_after=text[span.end : span.end + 40])


def group(quantity: Quantity) -> str:
    """The unit and the modifier of a quantity: ``كيلوغرام approx``, ``None ge``, ``% range``."""
    if quantity.vague:
        modifier = "vague"
    elif quantity.approx:
        modifier = "approx"
    elif quantity.value is not None:
        modifier = "exact"
    elif quantity.lower is not None and quantity.upper is not None:
        modifier = "range"
    elif quantity.lower is not None:
        modifier = "ge" if quantity.lower_inclusive else "gt"
    else:
        modifier = "le" if quantity.upper_inclusive else "lt"
    return f"{quantity.unit} {modifier}"


Pool = dict[str, dict[str, dict[str, list[str]]]]
Sites = dict[str, list[tuple[str, str, Span]]]


def index_quantities(articles: Iterable[tuple[str, str, list[Span]]]) -> tuple[Pool, Sites]:
    """One pass over the QTY spans of ``(doc id, text, spans)`` articles, each read once:
    the pool ``{kind: {group: {shape: [expression, ...]}}}`` and the sites
    ``{kind: [(doc id, sentence text, QTY span in sentence offsets), ...]}``."""
    pool: Pool = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    sites: Sites = defaultdict(list)
    for doc_id, text, spans in articles:
        sentences = split_sentences(text)
        for span in spans:
            if span.label != "QTY" or not (quantity := read(text, span)).kind:
                continue
            expression = text[span.start : span.end]
            pool[quantity.kind][group(quantity)][shape(expression)].append(expression)
            sentence = next((s for s in sentences if s.start <= span.start and span.end <= s.end), None)
            if sentence is not None:
                local = Span(span.start - sentence.start, span.end - sentence.start, span.label, span.layer)
                sites[quantity.kind].append((doc_id, text[sentence.start : sentence.end], local))
    return {kind: {g: dict(shapes) for g, shapes in groups.items()} for kind, groups in pool.items()}, dict(sites)


def replace_mention(sentence: str, span: Span, expression: str) -> tuple[str, list[Span]] | None:
    """The sentence with ``expression`` in place of ``span``, labelled by the rule tagger; ``None`` unless
    the tagger reads the inserted expression as exactly one QTY span."""
    text = sentence[: span.start] + expression + sentence[span.end :]
    spans = find_claims(text)
    inserted = (span.start, span.start + len(expression))
    if not any(s.label == "QTY" and (s.start, s.end) == inserted for s in spans):
        return None
    return text, spans


def augment(articles: list[tuple[str, str, list[Span]]], count: int, seed: int) -> list[dict]:
    """``count`` augmented sentences (native JSONL rows) from ``(doc id, text, claims spans)`` articles."""
    rng = random.Random(seed)
    pool, sites = index_quantities(articles)
    kinds = sorted(sites)
    group_names = {kind: sorted(groups) for kind, groups in pool.items()}
    shape_names = {(kind, g): sorted(shapes) for kind, groups in pool.items() for g, shapes in groups.items()}
    rows: list[dict] = []
    if not kinds:
        return rows
    with tqdm(total=count, desc="augment claims", unit="sentence", mininterval=2) as progress:
        attempts = 0
        while len(rows) < count and attempts < count * TRIES:
            attempts += 1
            kind = rng.choice(kinds)
            doc_id, sentence, span = rng.choice(sites[kind])
            g = rng.choice(group_names[kind])
            expression = redraw_digits(rng.choice(pool[kind][g][rng.choice(shape_names[kind, g])]), rng)
            replaced = replace_mention(sentence, span, expression)
            if replaced is None:
                continue
            text, spans = replaced
            rows.append({"id": f"{doc_id}#aug{len(rows)}", "text": text, "spans": [s.to_dict() for s in spans]})
            progress.update()
    return rows
