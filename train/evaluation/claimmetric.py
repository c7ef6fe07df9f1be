"""Claim-level scores: a system's claim records against the gold records of the same articles.

A claim is a ``QTY`` span with its record: value and bounds, and the ``ENT`` and ``TIME`` it links to
(docs/annotation.md, "Links"). Predicted records are :func:`train.claims.linking.claim_records`' (links as
``entity_start``/``entity_end`` and ``time_start``/``time_end``); gold records name their links as
``{"start", "end"}`` or null under ``entity`` and ``time``. The figures (:data:`FIGURES`):

- ``QTY`` precision, recall and F1 on exact spans;
- ``values``: the share of matched spans (same offsets) whose value, bounds and inclusiveness are the gold's;
- ``ENT``/``TIME`` link accuracy on matched spans, exact and overlap: a link is right when gold and
  prediction both have none, or both have one with the same offsets (exact) or overlapping ones (overlap);
- complete-claim precision, recall and F1: a predicted claim counts only when its span, its value and
  bounds, and its ``ENT`` and ``TIME`` links (each exact, or both absent) all match a gold claim.

Link figures and complete claims need gold that names its links: they are computed on the *linked*
articles only (:attr:`ArticleClaims.linked`) and are ``None`` when there are none; the span and value
figures use every article. A gold ``QTY`` span without a record counts as a span whose value no prediction
matches. Every figure is also given per kind (:data:`KINDS`), each side restricted to its claims of that
kind (a claim of the wrong kind is missed in the gold's kind and spurious in the predicted one).

With ``resamples``, each figure carries a percentile bootstrap 95% interval over articles (seeded;
resamples where a figure has nothing to score are left out of its interval).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

import numpy as np

from train.data.articles import LINK_KEYS

RECORD_FIELDS = ("value", "lower", "upper", "lower_inclusive", "upper_inclusive")
KINDS = ("count", "money", "percent", "measure", "fraction")
ALL = "all"
LINKS = ("entity", "time")
COUNTS = (
    "qty_tp",
    "qty_predicted",
    "qty_gold",
    "matched",
    "values",
    "linked_matched",
    "entity_exact",
    "entity_overlap",
    "time_exact",
    "time_overlap",
    "claim_tp",
    "claim_predicted",
    "claim_gold",
)
# figure -> (numerator, denominator), each {count: coefficient}
FIGURES: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "qty_precision": ({"qty_tp": 1}, {"qty_predicted": 1}),
    "qty_recall": ({"qty_tp": 1}, {"qty_gold": 1}),
    "qty_f1": ({"qty_tp": 2}, {"qty_predicted": 1, "qty_gold": 1}),
    "values": ({"values": 1}, {"matched": 1}),
    **{f"{link}_{mode}": ({f"{link}_{mode}": 1}, {"linked_matched": 1}) for link in LINKS for mode in ("exact", "overlap")},
    "claim_precision": ({"claim_tp": 1}, {"claim_predicted": 1}),
    "claim_recall": ({"claim_tp": 1}, {"claim_gold": 1}),
    "claim_f1": ({"claim_tp": 2}, {"claim_predicted": 1, "claim_gold": 1}),
}
Offsets = tuple[int, int]


def same_record(expected: Mapping | None, got: Mapping) -> bool:
    """Whether ``got`` has the value, bounds and inclusiveness of ``expected`` (None: no gold record)."""

    def number(value):
        return None if value is None else round(float(value), 6)

    return expected is not None and all(
        number(expected[f]) == number(got[f]) if f in ("value", "lower", "upper") else bool(expected[f]) == bool(got[f])
        for f in RECORD_FIELDS
    )


def has_links(record: Mapping | None) -> bool:
    """Whether a gold record names its links (every key of :data:`LINK_KEYS`)."""
    return record is not None and all(key in record for key in LINK_KEYS)


def gold_link(record: Mapping | None, link: str) -> Offsets | None:
    target = None if record is None else record.get(link)
    return None if target is None else (target["start"], target["end"])


def predicted_link(record: Mapping, link: str) -> Offsets | None:
    start = record.get(f"{link}_start")
    return None if start is None else (start, record[f"{link}_end"])


def link_right(gold: Offsets | None, got: Offsets | None, exact: bool = True) -> bool:
    """Both absent, or both present and equal (``exact``) or overlapping."""
    if gold is None or got is None:
        return gold is None and got is None
    return gold == got if exact else gold[0] < got[1] and got[0] < gold[1]


@dataclass(frozen=True)
class ArticleClaims:
    """One article's claims: gold records and predicted records by their ``QTY`` span's offsets."""

    gold: Mapping[Offsets, Mapping | None]  # None: a gold QTY span without a record
    predicted: Mapping[Offsets, Mapping]
    linked: bool  # whether its gold names its links: only then are links and complete claims scored

    @classmethod
    def of(cls, gold: Mapping[Offsets, Mapping | None], predicted: Sequence[Mapping], linked: bool) -> ArticleClaims:
        return cls(dict(gold), {(r["start"], r["end"]): r for r in predicted}, linked)

    def of_kind(self, kind: str) -> ArticleClaims:
        """The claims of one kind on each side, the gold's by its record and the prediction's by its own."""
        gold = {key: r for key, r in self.gold.items() if r is not None and r.get("kind") == kind}
        predicted = {key: r for key, r in self.predicted.items() if r.get("kind") == kind}
        return ArticleClaims(gold, predicted, self.linked)

    def counts(self) -> list[int]:
        """The article's value of every count of :data:`COUNTS`, in that order."""
        count = dict.fromkeys(COUNTS, 0)
        count.update(qty_predicted=len(self.predicted), qty_gold=len(self.gold))
        if self.linked:
            count.update(claim_predicted=len(self.predicted), claim_gold=len(self.gold))
        for key, gold in self.gold.items():
            if (got := self.predicted.get(key)) is None:
                continue
            values = same_record(gold, got)
            count.update(qty_tp=count["qty_tp"] + 1, matched=count["matched"] + 1, values=count["values"] + values)
            if not self.linked:
                continue
            count["linked_matched"] += 1
            for link in LINKS:
                pair = gold_link(gold, link), predicted_link(got, link)
                count[f"{link}_exact"] += link_right(*pair)
                count[f"{link}_overlap"] += link_right(*pair, exact=False)
            count["claim_tp"] += values and all(link_right(gold_link(gold, k), predicted_link(got, k)) for k in LINKS)
        return [count[name] for name in COUNTS]


class Bootstrap(NamedTuple):
    """How :func:`claim_scores` draws its intervals: ``resamples`` draws (0: no interval) from ``seed``."""

    resamples: int = 1000
    seed: int = 13


@dataclass(frozen=True)
class Figure:
    value: float | None  # None: nothing to score (no claim in its denominator)
    low: float | None = None  # the bootstrap 95% interval, when asked for and defined
    high: float | None = None


@dataclass(frozen=True)
class ClaimScores:
    """:data:`FIGURES` and their :data:`COUNTS` for all claims (``"all"``) and for each kind."""

    articles: int
    linked_articles: int
    resamples: int
    seed: int | None
    figures: dict[str, dict[str, Figure]]
    counts: dict[str, dict[str, int]]

    def to_dict(self) -> dict:
        return asdict(self)


def _figures(totals: np.ndarray) -> np.ndarray:
    """Every figure of :data:`FIGURES` from count totals (``[..., count]``), NaN where its denominator is 0."""
    numerators = np.zeros((len(COUNTS), len(FIGURES)))
    denominators = np.zeros((len(COUNTS), len(FIGURES)))
    for column, (numerator, denominator) in enumerate(FIGURES.values()):
        for matrix, terms in ((numerators, numerator), (denominators, denominator)):
            for name, coefficient in terms.items():
                matrix[COUNTS.index(name), column] = coefficient
    top, bottom = totals @ numerators, totals @ denominators
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def claim_scores(articles: Sequence[ArticleClaims], resamples: int = 0, seed: int = 0) -> ClaimScores:
    """The claim-level figures of ``articles``; with ``resamples`` > 0, a bootstrap 95% interval over the
    articles for each (``resamples`` draws of as many articles with replacement, from ``seed``)."""
    groups = (ALL, *KINDS)
    per_article = np.array(
        [[a.counts() if g == ALL else a.of_kind(g).counts() for g in groups] for a in articles], dtype=float
    ).reshape(len(articles), len(groups), len(COUNTS))
    totals = per_article.sum(axis=0)
    points = _figures(totals)
    low, high = np.full_like(points, np.nan), np.full_like(points, np.nan)
    if resamples > 0 and articles:
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(len(articles), np.full(len(articles), 1 / len(articles)), size=resamples)
        drawn = _figures(np.einsum("ra,agc->rgc", weights, per_article))
        defined = ~np.isnan(drawn).all(axis=0)
        if defined.any():
            low[defined], high[defined] = np.nanpercentile(drawn[:, defined], [2.5, 97.5], axis=0)
    figures = {
        group: {name: Figure(_value(points[g, f]), _value(low[g, f]), _value(high[g, f])) for f, name in enumerate(FIGURES)}
        for g, group in enumerate(groups)
    }
    counts = {group: {name: int(totals[g, c]) for c, name in enumerate(COUNTS)} for g, group in enumerate(groups)}
    return ClaimScores(
        articles=len(articles),
        linked_articles=sum(a.linked for a in articles),
        resamples=resamples if articles else 0,
        seed=seed if resamples > 0 and articles else None,
        figures=figures,
        counts=counts,
    )
