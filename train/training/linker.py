"""Training the learned linker (:mod:`train.inference.linker`) on the gold links of the prepared dataset.

Reads only the data step's ``claim_links`` column (:func:`train.data.dataset.sentence_links`): each linked
``QTY`` of a training sentence gives one choice per link kind among the gold ``ENT``/``TIME`` spans of its
sentence (from ``claim_tags``) and none; the rule linker's choice among the same spans (one of the
scorer's inputs) is recomputed on the sentence. The claims encoder stays frozen: its word vectors are
computed once (:func:`train.inference.predictor.predict_words_with_vectors`), and the head is trained with
full-batch Adam for ``train.linker.steps`` steps, keeping the state with the best validation accuracy when
the validation split has links (else the last). ``fit`` calls :func:`train_linker` before the model folder is
written; ``python -m train linker`` adds a linker to a model folder that has none (:func:`add_linker`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import torch
from datasets import Dataset

from train.claims.linking import read_claims
from train.config import LinkerSection, RunConfig
from train.data.dataset import load_prepared, task_splits
from train.data.spans import bio_to_spans
from train.data.text import Token, WordIndex
from train.inference.encoding import IGNORE
from train.inference.linker import KINDS, VERSION, Choice, Linker, LinkerHead, WordSpan, batch, choice_inputs
from train.inference.predictor import predict_words_with_vectors

log = logging.getLogger(__name__)
VIEWS = ("gold spans", "model spans")  # where the candidates come from: the gold tags, or the encoder's own
Examples = dict[str, tuple[list[tuple[torch.Tensor, ...]], list[Choice]]]  # kind -> (choice inputs, choices)


def sentence_choices(
    tokens: Sequence[str], labels: Sequence[str], links: Sequence[dict]
) -> tuple[dict[str, list[Choice]], list[WordSpan]]:
    """Per link kind, the :class:`Choice` of each gold-linked ``QTY`` (``links``: a row's ``claim_links``) that
    the BIO ``labels`` of the sentence's words have, among the spans of the labels; and the ``QTY`` spans of
    the labels (word indices), less those that read as no number, as ``tag`` drops them
    (:func:`train.claims.linking.read_claims`). The rule linker's choice is made on the words joined by
    single spaces (every character but a space is in a word)."""
    text, words = "", []
    for token in tokens:
        text += " " if text else ""
        words.append(Token(token, len(text), len(text) + len(token)))
        text += token
    index = WordIndex(words)
    spans, records = read_claims(text, bio_to_spans(words, labels, "claims"))
    by_label = {label: [index(s.start, s.end) for s in spans if s.label == label] for label in ("QTY", *KINDS.values())}
    rules = {index(r["start"], r["end"]): r for r in records}
    choices: dict[str, list[Choice]] = {kind: [] for kind in KINDS}
    for link in links:
        qty = (link["qty"][0], link["qty"][1])
        if (record := rules.get(qty)) is None:
            continue
        for kind, label in KINDS.items():
            ruled = not record[f"{kind}_inherited"] and record[f"{kind}_start"] is not None
            rule = index(record[f"{kind}_start"], record[f"{kind}_end"]) if ruled else None
            gold = None if link[kind][0] < 0 else (link[kind][0], link[kind][1])
            choices[kind].append(Choice(qty, by_label[label], rule, gold))
    return choices, by_label["QTY"]


def examples(part: Dataset, model, tokenizer, batch_size: int) -> dict[str, Examples]:
    """Per view (:data:`VIEWS`), the choices of a split's gold-linked ``QTY`` spans with their inputs over the
    frozen encoder's word vectors: among the gold spans, and among the spans the model itself tags (what
    ``tag`` gives the linker; a ``QTY`` it misses gives no choice, a gold link it does not tag is a choice no
    candidate gets right). A sentence that its source's ``repeat`` put several times into the split counts once."""
    found: dict[str, Examples] = {view: {kind: ([], []) for kind in KINDS} for view in VIEWS}
    rows = list(part.select(linked_rows(part))) if len(part) else []
    if not rows:
        return found
    predicted, vectors = predict_words_with_vectors(model, tokenizer, [row["tokens"] for row in rows], batch_size=batch_size)
    names = part.features["claim_tags"].feature.names
    for row, tagged, row_vectors in zip(rows, predicted, vectors):
        for view, labels in zip(VIEWS, ([names[tag] for tag in row["claim_tags"]], [label for label, _ in tagged])):
            choices, quantities = sentence_choices(row["tokens"], labels, row["claim_links"])
            for kind, chosen in choices.items():
                for choice in chosen:
                    found[view][kind][0].append(choice_inputs(row_vectors, choice, quantities))
                    found[view][kind][1].append(choice)
    return found


def linked_rows(part: Dataset) -> list[int]:
    """The indices of a split's rows with gold links, the first copy of each sentence (row ``id``) only."""
    seen: set[str] = set()
    rows = []
    for i, (row_id, links) in enumerate(zip(part["id"], part["claim_links"])):
        if links and row_id not in seen:
            seen.add(row_id)
            rows.append(i)
    return rows


def _targets(choices: list[Choice]) -> torch.Tensor:
    """Index of each choice's gold answer among its inputs' rows (0: none); ``IGNORE`` when the gold span is not a
    candidate (a link to a span the tags do not give, which the head cannot choose)."""
    indices = [_index(c, c.gold) if c.gold is None or c.gold in c.candidates else IGNORE for c in choices]
    return torch.tensor(indices, dtype=torch.long)  # long even when empty (a view with no choice of a kind)


def _index(choice: Choice, span: WordSpan | None) -> int:
    """The row of ``span`` among the choice's inputs (0: none)."""
    return 0 if span is None else 1 + choice.candidates.index(span)


def accuracy(head: LinkerHead, found: dict[str, Examples]) -> dict[str, dict]:
    """Per view and kind: how many choices there are, and the share where ``head`` picks the gold answer, and
    where the rule linker did."""
    result: dict[str, dict] = {}
    head.eval()
    with torch.no_grad():
        for view, by_kind in found.items():
            result[view] = {}
            for k, (kind, (inputs, choices)) in enumerate(by_kind.items()):
                if not inputs:
                    continue
                target = _targets(choices)
                picked = head(k, *batch(inputs)).argmax(-1)
                rule = torch.tensor([_index(c, c.rule) for c in choices])
                result[view][kind] = {
                    "links": len(choices),
                    "learned": round((picked == target).float().mean().item(), 4),
                    "rule": round((rule == target).float().mean().item(), 4),
                }
    return result


def _right(head: LinkerHead, found: dict[str, Examples]) -> float:
    """The number of choices of every view and kind ``head`` gets right (what picks the best state)."""
    return sum(figures["links"] * figures["learned"] for view in accuracy(head, found).values() for figures in view.values())


def _linked(found: dict[str, Examples]) -> int:
    """The number of gold-linked ``QTY`` spans behind ``found`` (the gold-spans view has one choice per kind each)."""
    return len(found[VIEWS[0]]["entity"][1]) if VIEWS[0] in found else 0


def train_linker(config: RunConfig, train: Dataset, validation: Dataset, model, tokenizer) -> Linker | None:
    """A linker for the claims ``model`` trained on the gold links of ``train`` (:func:`fit_head`); ``None`` when
    there are none, or ``train.linker.enabled`` is off."""
    settings = config.train.linker
    if not settings.enabled or "claim_links" not in train.column_names:
        return None
    found = examples(train, model, tokenizer, config.train.eval_batch_size)
    dev = examples(validation, model, tokenizer, config.train.eval_batch_size) if "claim_links" in validation.column_names else {}
    head = fit_head(found, dev, settings, model.config.hidden_size, config.train.seed)
    if head is None:
        log.info("no gold links in the train split: no learned linker (the rule linker links)")
        return None
    info = {
        "version": VERSION,
        "dim": model.config.hidden_size,
        "hidden": settings.hidden,
        "kinds": list(KINDS),
        "trained_on": {"train_qty": _linked(found), "validation_qty": _linked(dev), **settings.model_dump()},
        "accuracy": {"train": accuracy(head, found), "validation": accuracy(head, dev) if _linked(dev) else None},
        "note": "exact link accuracy of the gold-linked QTY spans with the gold ENT/TIME spans as candidates, and with "
        "the model's own (a QTY it misses left out); learned: this linker, rule: the rule linker on the same candidates",
    }
    log.info("learned linker: %s", info["accuracy"])
    return Linker(head, info)


def fit_head(
    found: dict[str, Examples], dev: dict[str, Examples], settings: LinkerSection, dim: int, seed: int
) -> LinkerHead | None:
    """A :class:`LinkerHead` trained on every view of ``found`` together (full-batch Adam, ``settings.steps``
    steps), the state kept that gets the most choices of ``dev`` right (the last when ``dev`` has none);
    ``None`` when ``found`` has no choice to learn from."""
    batches = {}
    for k, kind in enumerate(KINDS):
        inputs = [x for view in found.values() for x in view[kind][0]]
        targets = torch.cat([_targets(view[kind][1]) for view in found.values()] or [torch.zeros(0, dtype=torch.long)])
        if (keep := targets != IGNORE).any():
            batches[k] = (batch([x for x, kept in zip(inputs, keep.tolist()) if kept]), targets[keep])
    if not batches:
        return None
    torch.manual_seed(seed)
    head = LinkerHead(dim, settings.hidden)
    optimizer = torch.optim.Adam(head.parameters(), lr=settings.learning_rate)
    best, best_right = None, -1.0
    for step in range(1, settings.steps + 1):
        head.train()
        optimizer.zero_grad()
        loss = sum(torch.nn.functional.cross_entropy(head(k, *inputs), targets) for k, (inputs, targets) in batches.items())
        loss.backward()
        optimizer.step()
        evaluated = _linked(dev) and (step % settings.eval_every == 0 or step == settings.steps)
        if evaluated and (right := _right(head, dev)) > best_right:
            best, best_right = {name: value.clone() for name, value in head.state_dict().items()}, right
    if best is not None:
        head.load_state_dict(best)
    return head.eval()


def add_linker(model_dir: Path, config: RunConfig) -> Linker | None:
    """Train a linker for the claims model in ``model_dir`` on the prepared dataset of ``config`` and write its
    files into the folder (an earlier linker is replaced); ``None`` when the train split has no gold links
    (nothing written)."""
    from train.inference.models import load_trained

    tokenizer, model = load_trained(model_dir, "claims")
    dataset = task_splits(load_prepared(config), "claims")
    linker = train_linker(config, dataset["train"], dataset["validation"], model, tokenizer)
    if linker is not None:
        linker.save(Path(model_dir))
    return linker
