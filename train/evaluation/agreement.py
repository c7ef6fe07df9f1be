"""Agreement between two annotation passes over the same articles (issue #21: a second, independent pass).

Both passes are gold files in the standoff or native JSONL format, with linked ``QTY`` records
(docs/annotation.md, "Links"). Measured on the articles both passes annotated:

- span F1 per label (``QTY``, ``ENT``, ``TIME``): a span agrees when the other pass has the same label at
  the same offsets (F1 is symmetric, so neither pass is the reference);
- the claim-level figures of :mod:`train.evaluation.claimmetric` with the second pass in the place of a
  system: value agreement on shared ``QTY`` spans, ``ENT``/``TIME`` link agreement (exact and overlap) and
  complete-claim F1, the figure a model's complete-claim F1 is read against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from train.data.readers.jsonl import read_json_lines
from train.errors import DataError
from train.evaluation.claimmetric import LINKS, ArticleClaims, ClaimScores, claim_scores, has_links

LABELS = ("QTY", "ENT", "TIME")


def read_pass(path: Path) -> dict[str, list[dict]]:
    """``{article id: claims spans}`` of a gold file (one article a JSON line); a malformed line, or one
    without an ``id`` or with spans lacking ``label``/``start``/``end``, is a :class:`DataError` naming the
    file and line."""
    articles = {}
    for number, line in read_json_lines(path):
        spans = line.get("spans", [])
        if "id" not in line or not isinstance(spans, list):
            raise DataError(f"{path}:{number}: expected an 'id' and a list of 'spans'")
        claims = [s for s in spans if isinstance(s, dict) and s.get("layer") == "claims"]
        if any(not {"label", "start", "end"} <= s.keys() for s in claims):
            raise DataError(f"{path}:{number}: a claims span without 'label', 'start' or 'end'")
        articles[str(line["id"])] = claims
    return articles


@dataclass(frozen=True)
class Agreement:
    articles: int
    spans: dict[str, dict[str, float | int]]  # label -> first, second, both, f1
    claims: ClaimScores


def as_prediction(span: Mapping) -> dict:
    """A gold ``QTY`` span and its record in the shape of a predicted claim record (links as offsets)."""
    record = dict(span.get("record") or {})
    for link in LINKS:
        target = record.get(link)
        record[f"{link}_start"], record[f"{link}_end"] = (target["start"], target["end"]) if target else (None, None)
    return {**record, "start": span["start"], "end": span["end"]}


def agreement(first: Mapping[str, list[dict]], second: Mapping[str, list[dict]], resamples: int = 0, seed: int = 0) -> Agreement:
    """How far ``second`` agrees with ``first`` on the articles both annotated."""
    shared = sorted(set(first) & set(second))
    spans = {}
    for label in LABELS:
        one, two = ({(i, s["start"], s["end"]) for i in shared for s in p[i] if s["label"] == label} for p in (first, second))
        both = len(one & two)
        spans[label] = {
            "first": len(one),
            "second": len(two),
            "both": both,
            "f1": 2 * both / (len(one) + len(two)) if one or two else 0.0,
        }
    articles = []
    for i in shared:
        gold = {(s["start"], s["end"]): s.get("record") for s in first[i] if s["label"] == "QTY"}
        linked = all(has_links(record) for record in gold.values())
        predicted = [as_prediction(s) for s in second[i] if s["label"] == "QTY"]
        articles.append(ArticleClaims.of(gold, predicted, linked))
    return Agreement(len(shared), spans, claim_scores(articles, resamples, seed))
