"""The learned linker: a small scorer over the claims encoder's word vectors that chooses, for each ``QTY``,
its ``ENT`` and its ``TIME`` among the spans of that label in its sentence, or none.

For one ``QTY`` and one link kind the candidates are "none" and every span of the label in the sentence;
each candidate gets a score from ``[q, c, q*c, extra]`` (``q``, ``c``: the mean word vector of the ``QTY`` and
of the candidate, layer-normalized; "none" has a learned vector) through one small MLP per kind, and the
softmax over the candidates picks one. ``extra`` (:func:`choice_inputs`) holds what the vectors do not
say well: the gap in words (bucketed), whether the candidate comes before the ``QTY``, how many other
``QTY`` stand between them, its rank by distance, whether the rule linker
(:func:`train.claims.linking.claim_records`) chose it, and a "none" flag.

It is a post-pass over the rule linker's records (:func:`relink`): each link it makes is written with
:func:`train.claims.linking.set_link` under the linker name :data:`LINKER`. A model folder holds it as
``linker.safetensors`` and ``linker.json`` (:data:`FILES`; written by ``fit`` or ``python -m train linker``,
:mod:`train.training.linker`); a folder without them has none, and plain transformers ignores them.
"""

from __future__ import annotations

import json
import logging
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save
from torch import nn

from train.claims.linking import set_link
from train.data.spans import Span
from train.data.text import Sentence, WordIndex
from train.errors import UserError
from train.io import atomic_write_bytes, atomic_write_json

LINKER = "learned"  # the name each link it makes carries (record["linker"])
VERSION = 1
log = logging.getLogger(__name__)
FILES = ("linker.safetensors", "linker.json")
KINDS = {"entity": "ENT", "time": "TIME"}  # link kind -> label of its candidate spans
GAPS = (0, 1, 2, 3, 5, 8, 13)  # upper bounds of the word-gap buckets (one more bucket beyond)
CAP = 2  # counts of QTYs between and of the distance rank are capped here: 0, 1, 2+
EXTRA = len(GAPS) + 1 + 1 + (CAP + 1) * 2 + 1 + 1  # gap, before, QTYs between, rank, rule's choice, none
WordSpan = tuple[int, int]  # words [first, end) of a sentence


@dataclass
class Choice:
    """One link to choose: a ``QTY``'s ``ENT`` or ``TIME`` among ``candidates`` of its sentence, ``rule`` the
    rule linker's choice among them (``None``: none in this sentence), ``gold`` the right one (training)."""

    qty: WordSpan
    candidates: list[WordSpan]
    rule: WordSpan | None
    gold: WordSpan | None = None


def _bucket(value: int, bounds: Sequence[int]) -> int:
    return bisect_left(bounds, value)  # len(bounds): beyond the last bound


def _mean(vectors: torch.Tensor, span: WordSpan) -> torch.Tensor:
    return vectors[span[0] : span[1]].mean(0)


def choice_inputs(vectors: torch.Tensor, choice: Choice, quantities: Sequence[WordSpan]) -> tuple[torch.Tensor, ...]:
    """``(q, c, extra)`` of one choice over a sentence's word ``vectors`` (``[words, dim]``); row 0 of ``c`` and
    ``extra`` is "none" (``c`` zero there: the scorer puts its learned vector in), then the candidates in order.
    ``quantities``: every ``QTY`` of the sentence."""
    q = _mean(vectors, choice.qty)
    c = torch.zeros(len(choice.candidates) + 1, vectors.shape[1])
    extra = torch.zeros(len(choice.candidates) + 1, EXTRA)
    extra[0, -1] = 1
    extra[0, -2] = choice.rule is None
    gaps = [max(span[0] - choice.qty[1], choice.qty[0] - span[1], 0) for span in choice.candidates]
    ranks = {index: rank for rank, index in enumerate(sorted(range(len(gaps)), key=gaps.__getitem__))}
    for index, span in enumerate(choice.candidates, 1):
        before = span[0] < choice.qty[0]
        low, high = (span[1], choice.qty[0]) if before else (choice.qty[1], span[0])
        between = sum(low <= other[0] and other[1] <= high for other in quantities if other != choice.qty)
        c[index] = _mean(vectors, span)
        column = _bucket(gaps[index - 1], GAPS)
        extra[index, column] = 1
        extra[index, len(GAPS) + 1] = before
        extra[index, len(GAPS) + 2 + min(between, CAP)] = 1
        extra[index, len(GAPS) + 3 + CAP + min(ranks[index - 1], CAP)] = 1
        extra[index, -2] = span == choice.rule
    return q, c, extra


class LinkerHead(nn.Module):
    """The scorer: per kind, an MLP over ``[q, c, q*c, extra]`` of each candidate, "none" a learned vector."""

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(dim, elementwise_affine=False)
        self.none = nn.Parameter(torch.zeros(len(KINDS), dim))
        self.score = nn.ModuleList(
            nn.Sequential(nn.Linear(3 * dim + EXTRA, hidden), nn.ReLU(), nn.Linear(hidden, 1)) for _ in KINDS
        )

    def forward(self, kind: int, q: torch.Tensor, c: torch.Tensor, extra: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits ``[batch, candidates]`` for ``q`` ``[batch, dim]``, ``c`` ``[batch, candidates, dim]`` (row 0:
        none), ``extra`` ``[batch, candidates, EXTRA]``; ``mask`` false on padding."""
        q = self.norm(q)[:, None].expand(-1, c.shape[1], -1)
        c = torch.cat([self.none[kind].expand(c.shape[0], 1, -1), self.norm(c[:, 1:])], 1)
        logits = self.score[kind](torch.cat([q, c, q * c, extra], -1)).squeeze(-1)
        return logits.masked_fill(~mask, float("-inf"))


def batch(inputs: Sequence[tuple[torch.Tensor, ...]]) -> tuple[torch.Tensor, ...]:
    """Choices' :func:`choice_inputs` padded into ``(q, c, extra, mask)``."""
    width = max(c.shape[0] for _, c, _ in inputs)
    q = torch.stack([q for q, _, _ in inputs])
    c = torch.zeros(len(inputs), width, q.shape[1])
    extra = torch.zeros(len(inputs), width, EXTRA)
    mask = torch.zeros(len(inputs), width, dtype=torch.bool)
    for row, (_, cs, xs) in enumerate(inputs):
        c[row, : len(cs)], extra[row, : len(xs)], mask[row, : len(cs)] = cs, xs, True
    return q, c, extra, mask


class Linker:
    """A trained :class:`LinkerHead` with its ``info`` (``linker.json``: dims, version, what it was trained on,
    its accuracy)."""

    def __init__(self, head: LinkerHead, info: dict) -> None:
        self.head, self.info = head.eval(), info

    @classmethod
    def find(cls, model: str | Path, dim: int | None = None) -> Linker | None:
        """The linker of a claims model given as ``tag`` takes it: a local folder, or a hub id (its ``linker.*``
        files downloaded beside the model, or read from the cache); ``None`` when it has none, or when offline
        and they are not in the cache (the rule linker links then)."""
        if Path(model).is_dir():
            return cls.load(model, dim)
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import EntryNotFoundError

        try:
            paths = [Path(hf_hub_download(str(model), name)) for name in FILES]
        except EntryNotFoundError:  # the repo has no linker, or offline without it in the cache
            log.info("%s: no learned linker on the hub or in the cache; the rule linker links", model)
            return None
        return cls.load(paths[0].parent, dim)

    @classmethod
    def load(cls, folder: str | Path, dim: int | None = None) -> Linker | None:
        """The linker of a model folder; ``None`` when it has none. ``dim``: the size of the folder's model's word
        vectors, which the linker must have been trained on."""
        folder = Path(folder)
        if not all((folder / name).is_file() for name in FILES):
            return None
        info = json.loads((folder / FILES[1]).read_text(encoding="utf-8"))
        if info.get("version") != VERSION:
            mismatch = f"a linker of version {info.get('version')}, where this package reads version {VERSION}"
        elif dim is not None and info["dim"] != dim:
            mismatch = f"a linker of word vectors of size {info['dim']}, where this folder's model gives {dim} (another model's)"
        else:
            mismatch = None
        if mismatch:
            raise UserError(f"{folder / FILES[1]}: {mismatch}; train it again: python -m train linker {folder}")
        head = LinkerHead(info["dim"], info["hidden"])
        head.load_state_dict(load_file(str(folder / FILES[0])))
        return cls(head, info)

    def save(self, folder: Path) -> None:
        """Its two files into ``folder``, each written atomically, ``linker.json`` last (a folder with only the
        weights has no linker, so a kill in between leaves none, or the old one removed)."""
        (folder / FILES[1]).unlink(missing_ok=True)
        atomic_write_bytes(folder / FILES[0], save({name: value.contiguous() for name, value in self.head.state_dict().items()}))
        atomic_write_json(folder / FILES[1], self.info)

    def probabilities(self, kind: str, inputs: Sequence[tuple[torch.Tensor, ...]]) -> list[list[float]]:
        """For each choice's :func:`choice_inputs` (all of one ``kind``, scored in one batch): the probability of
        "none", then of each of its candidates."""
        if not inputs:
            return []
        q, c, extra, mask = batch(inputs)
        with torch.inference_mode():
            probabilities = self.head(list(KINDS).index(kind), q, c, extra, mask).softmax(-1).tolist()
        return [row[: len(cs)] for row, (_, cs, _) in zip(probabilities, inputs)]


def relink(
    linker: Linker,
    text: str,
    sentences: Sequence[Sentence],
    vectors: Sequence[torch.Tensor],
    records: list[dict],
    spans: Sequence[Span],
) -> None:
    """Re-choose, in place, the ``entity`` and ``time`` of each of one document's claim ``records`` (the rule
    linker's, :func:`train.claims.linking.claim_records`) among the ``ENT``/``TIME`` ``spans`` of the ``QTY``'s
    sentence (of ``sentences``, the document's, which the spans and ``vectors`` were made on), or none;
    ``vectors``: each sentence's word vectors. When the linker picks none and the rule
    linker gave an inherited link (from an earlier sentence), the inherited link stays, with the rule
    linker's name. A record with an ``explain`` field gets, per link, ``learned``: the candidates with
    their probabilities, the probability of none, and which linker's link the record keeps."""
    starts = [sentence.start for sentence in sentences]

    def sentence_of(offset: int) -> int:  # the given sentences, which may not be the rule linker's split
        return max(bisect_right(starts, offset) - 1, 0)

    by_sentence: dict[int, list[Span]] = {}
    for span in sorted(spans):
        by_sentence.setdefault(sentence_of(span.start), []).append(span)
    quantities: dict[int, list[tuple[int, int]]] = {}
    for record in records:
        quantities.setdefault(sentence_of(record["start"]), []).append((record["start"], record["end"]))
    indexes: dict[int, WordIndex] = {}
    for kind, label in KINDS.items():
        asked = []  # (record, its candidates, the choice's inputs)
        for record in records:
            i = sentence_of(record["start"])
            if i not in indexes:
                indexes[i] = WordIndex(sentences[i].tokens)
            words = indexes[i]
            candidates = [s for s in by_sentence.get(i, []) if s.label == label]
            ruled = (record[f"{kind}_start"], record[f"{kind}_end"])
            rule = next((words(s.start, s.end) for s in candidates if (s.start, s.end) == ruled), None)
            choice = Choice(words(record["start"], record["end"]), [words(s.start, s.end) for s in candidates], rule)
            asked.append((record, candidates, choice_inputs(vectors[i], choice, [words(*q) for q in quantities[i]])))
        for (record, candidates, _), scores in zip(asked, linker.probabilities(kind, [inputs for _, _, inputs in asked])):
            best = max(range(len(scores)), key=scores.__getitem__)
            if not (best == 0 and record[f"{kind}_inherited"]):
                set_link(record, text, kind, candidates[best - 1] if best else None, LINKER)
            if "explain" in record:
                record["explain"][kind]["learned"] = {
                    "none": round(scores[0], 4),
                    "candidates": [
                        {"text": text[s.start : s.end], "start": s.start, "end": s.end, "score": round(p, 4)}
                        for s, p in zip(candidates, scores[1:])
                    ],
                    "kept": record["linker"][kind],  # the linker whose link the record has
                }
