"""The scores of ``tag`` output and the thresholds that filter it.

What a score is. A token-classification model gives each word one label and its probability: the
softmax probability of the predicted label at the word's first sub-word (the word's label in training;
:func:`train.inference.predictor.predict_words`). The score of a span is the **mean** of those probabilities over
the span's words, rounded to 4 decimals, in [0, 1]:

- ``entities[].score``: the NER model's score of the entity span.
- ``claims[].score``: the claims model's score of the ``QTY`` span.
- ``claims[].entity_score`` and ``claims[].time_score``: the claims model's score of the linked ``ENT``
  and ``TIME`` spans. Which ``ENT`` and ``TIME`` go with a ``QTY`` is decided by rules
  (:func:`train.claims.linking.claim_records`: the nearest of the sentence); that decision has no probability
  of its own, so a link's score is the score of the span it links to. ``null`` when nothing is linked.
- Claims found by the rule tagger (``tag`` without a claims model): ``score``, ``entity_score`` and
  ``time_score`` are ``null``. Rules give no probability, and a null score is never filtered.

A score ranks spans by how sure the model is of their words; it is not the probability that the span
is right (its boundaries and type): the model card's reliability table shows how the two relate on the
test split (:mod:`train.evaluation.calibration`).

Thresholds. :class:`Thresholds` holds the least score kept for each label of the guidelines (``PERS``,
``LOC``, ``ORG``, ``MISC``; ``QTY``, ``ENT``, ``TIME``), ``min_score`` for every label not set; a score
equal to its threshold is kept. An entity or claim below its threshold is dropped with its links; a
link (``ENT`` or ``TIME``) below its threshold is cut from a claim that is kept: ``entity``,
``entity_start``, ``entity_end`` and ``entity_score`` (or the ``time`` ones) become ``null`` and
``entity_inherited`` false, for the
figure still stands when what it counts is unsure. ``tag --min-score X`` sets ``min_score``; ``tag
--thresholds FILE`` reads a YAML file of the same keys (unknown keys are errors):

    min_score: 0.5   # every label not listed
    MISC: 0.8
    ENT: 0.7
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import Field, create_model

from train.config import Strict, load_settings
from train.data.labels import label_table
from train.data.spans import Span, bio_to_spans
from train.data.text import Token

DIGITS = 4  # a score is rounded to this many decimals, and compared with thresholds as written
LINKS = {"entity": "ENT", "time": "TIME"}  # claim record field -> claims label of the linked span


class _Thresholds(Strict):
    min_score: float = Field(0.0, ge=0, le=1, description="the least score kept for every label not set")

    def threshold(self, label: str) -> float:
        value = getattr(self, label, None) if label in type(self).model_fields else None
        return self.min_score if value is None else value

    def keeps(self, score: float | None, label: str) -> bool:
        """Whether a span of ``label`` with ``score`` is kept (a null score, from the rules, always is)."""
        return score is None or score >= self.threshold(label)


Thresholds = create_model(
    "Thresholds",
    __base__=_Thresholds,
    __doc__="The least score kept for each label of the guidelines; ``min_score`` for a label left unset.",
    **{label: (float | None, Field(None, ge=0, le=1)) for layer in label_table().values() for label in layer if label != "O"},
)


def load_thresholds(path: str | Path | None = None, min_score: float | None = None) -> _Thresholds:
    """Thresholds from a YAML file (or none), ``min_score`` replacing the file's."""
    overrides = {} if min_score is None else {"min_score": min_score}
    return load_settings(path, Thresholds, overrides) if path else Thresholds(**overrides)


def scored_spans(tokens: Sequence[Token], labelled: Sequence[tuple[str, float]], layer: str) -> list[tuple[Span, float]]:
    """The spans of one sentence's predicted ``(label, probability)`` per word, each with its score: the
    mean probability of its words."""
    spans = bio_to_spans(tokens, [label for label, _ in labelled], layer)
    result = []
    for span in spans:
        probabilities = [p for token, (_, p) in zip(tokens, labelled) if span.start <= token.start < span.end]
        result.append((span, sum(probabilities) / len(probabilities)))
    return result


def rounded(score: float | None) -> float | None:
    return None if score is None else round(score, DIGITS)


def score_claims(records: Iterable[dict], spans: Iterable[tuple[Span, float | None]]) -> list[dict]:
    """Claim records (:func:`train.claims.linking.claim_records`) with ``score`` after ``end``, and the score of each
    link after its end (``entity_score`` after ``entity_end``, ``time_score`` after ``time_end``)."""
    score_of = {(s.start, s.end, s.label): rounded(p) for s, p in spans}
    placed = {"end": ("", "QTY"), **{f"{link}_end": (f"{link}_", label) for link, label in LINKS.items()}}
    scored = []
    for record in records:
        out: dict[str, Any] = {}
        for key, value in record.items():
            out[key] = value
            if key in placed:
                prefix, label = placed[key]
                start = record[f"{prefix}start"]
                out[f"{prefix}score"] = None if start is None else score_of.get((start, value, label))
        scored.append(out)
    return scored


def apply_thresholds(record: Mapping[str, Any], thresholds: _Thresholds) -> dict:
    """An article record without the entities and claims below their thresholds, and without the
    links below theirs (the claim kept)."""
    claims = []
    for claim in record["claims"]:
        if not thresholds.keeps(claim["score"], "QTY"):
            continue
        for link, label in LINKS.items():
            if claim[link] is not None and not thresholds.keeps(claim[f"{link}_score"], label):
                claim = {**claim, **{f"{link}{suffix}": None for suffix in ("", "_start", "_end", "_score")}}
                claim[f"{link}_inherited"] = False  # no link, none inherited (as set_link writes a null link)
                if "explain" in claim:  # say why the link the linker chose is not in the record
                    dropped = {**claim["explain"][link], "dropped": f"its score is below the {label} threshold"}
                    claim["explain"] = {**claim["explain"], link: dropped}
        claims.append(claim)
    entities = [e for e in record["entities"] if thresholds.keeps(e["score"], e["label"])]
    return {**record, "entities": entities, "claims": claims}
