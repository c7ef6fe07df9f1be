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

from train.claims.linking import claim_records
from train.config import RunConfig
from train.data.dataset import load_prepared, task_splits
from train.data.spans import bio_to_spans
from train.data.text import Token
from train.inference.linker import KINDS, VERSION, Choice, Linker, LinkerHead, WordSpan, batch, choice_inputs
from train.inference.predictor import predict_words_with_vectors

log = logging.getLogger(__name__)
Examples = dict[str, tuple[list[tuple[torch.Tensor, ...]], list[Choice]]]  # kind -> (choice inputs, choices)


def sentence_choices(row: dict, names: Sequence[str]) -> tuple[dict[str, list[Choice]], list[WordSpan]]:
    """Per link kind, the :class:`Choice` of each linked ``QTY`` of a dataset row, and the row's ``QTY`` spans
    (word indices). ``names``: the ``claim_tags`` label names. The rule linker's choice is made on the
    sentence's words joined by single spaces (every character but a space is in a word)."""
    text, starts, ends = "", [], []
    for token in row["tokens"]:
        text += " " if text else ""
        starts.append(len(text))
        text += token
        ends.append(len(text))
    first, last = {start: i for i, start in enumerate(starts)}, {end: i + 1 for i, end in enumerate(ends)}
    words = [Token(token, start, end) for token, start, end in zip(row["tokens"], starts, ends)]
    spans = bio_to_spans(words, [names[tag] for tag in row["claim_tags"]], "claims")
    by_label = {label: [(first[s.start], last[s.end]) for s in spans if s.label == label] for label in ("QTY", *KINDS.values())}
    rules = {(first[r["start"]], last[r["end"]]): r for r in claim_records(text, spans)}
    choices: dict[str, list[Choice]] = {kind: [] for kind in KINDS}
    for link in row["claim_links"]:
        qty = (link["qty"][0], link["qty"][1])
        record = rules.get(qty)
        for kind, label in KINDS.items():
            ruled = record is not None and not record[f"{kind}_inherited"] and record[f"{kind}_start"] is not None
            rule = (first[record[f"{kind}_start"]], last[record[f"{kind}_end"]]) if ruled else None
            gold = None if link[kind][0] < 0 else (link[kind][0], link[kind][1])
            choices[kind].append(Choice(qty, by_label[label], rule, gold))
    return choices, by_label["QTY"]


def examples(part: Dataset, model, tokenizer, batch_size: int) -> Examples:
    """The choices of every linked ``QTY`` of a split with their inputs, over the frozen encoder's vectors."""
    rows = [row for row in part if row["claim_links"]]
    if not rows:
        return {kind: ([], []) for kind in KINDS}
    _, vectors = predict_words_with_vectors(model, tokenizer, [row["tokens"] for row in rows], batch_size=batch_size)
    names = part.features["claim_tags"].feature.names
    found: Examples = {kind: ([], []) for kind in KINDS}
    for row, row_vectors in zip(rows, vectors):
        choices, quantities = sentence_choices(row, names)
        for kind, chosen in choices.items():
            for choice in chosen:
                found[kind][0].append(choice_inputs(row_vectors, choice, quantities))
                found[kind][1].append(choice)
    return found


def _targets(choices: list[Choice]) -> torch.Tensor:
    """Index of each choice's gold answer among its inputs' rows (0: none); -100 when the gold span is not a
    candidate (a link to a span the tags do not give, which the head cannot choose)."""
    return torch.tensor([_index(c, c.gold) if c.gold is None or c.gold in c.candidates else -100 for c in choices])


def _index(choice: Choice, span: WordSpan | None) -> int:
    """The row of ``span`` among the choice's inputs (0: none)."""
    return 0 if span is None else 1 + choice.candidates.index(span)


def accuracy(head: LinkerHead, found: Examples) -> dict[str, float | None]:
    """Per kind, the share of choices where ``head`` picks the gold answer; and the rule linker's share."""
    result: dict[str, float | None] = {}
    head.eval()
    with torch.no_grad():
        for k, (kind, (inputs, choices)) in enumerate(found.items()):
            if not inputs:
                result[kind] = result[f"{kind}_rule"] = None
                continue
            picked = head(k, *batch(inputs)).argmax(-1)
            rule = torch.tensor([_index(c, c.rule) for c in choices])
            target = _targets(choices)
            result[kind] = (picked == target).float().mean().item()
            result[f"{kind}_rule"] = (rule == target).float().mean().item()
    return result


def train_linker(config: RunConfig, train: Dataset, validation: Dataset, model, tokenizer) -> Linker | None:
    """A linker trained on the gold links of ``train`` (``None`` when it has none, or ``train.linker.enabled``
    is off), picked by accuracy on those of ``validation``."""
    settings = config.train.linker
    if not settings.enabled or config.train.task != "claims" or "claim_links" not in train.column_names:
        return None
    found = examples(train, model, tokenizer, config.train.eval_batch_size)
    if not any(inputs for inputs, _ in found.values()):
        log.info("no gold links in the train split: no learned linker (the rule linker links)")
        return None
    dev = examples(validation, model, tokenizer, config.train.eval_batch_size) if "claim_links" in validation.column_names else {}
    dev_links = sum(len(choices) for _, choices in dev.values())
    torch.manual_seed(config.train.seed)
    head = LinkerHead(model.config.hidden_size, settings.hidden)
    optimizer = torch.optim.Adam(head.parameters(), lr=settings.learning_rate)
    batches = {k: (batch(inputs), _targets(choices)) for k, (inputs, choices) in enumerate(found.values()) if inputs}
    best, best_score = None, -1.0
    for step in range(1, settings.steps + 1):
        head.train()
        optimizer.zero_grad()
        loss = sum(torch.nn.functional.cross_entropy(head(k, *inputs), target) for k, (inputs, target) in batches.items())
        loss.backward()
        optimizer.step()
        if dev_links and (step % settings.eval_every == 0 or step == settings.steps):
            scored = accuracy(head, dev)
            mean = sum(scored[kind] or 0.0 for kind in KINDS) / len(KINDS)
            if mean > best_score:
                best, best_score = {name: value.clone() for name, value in head.state_dict().items()}, mean
    if best is not None:
        head.load_state_dict(best)
    info = {
        "version": VERSION,
        "dim": model.config.hidden_size,
        "hidden": settings.hidden,
        "kinds": list(KINDS),
        "trained_on": {"train_links": len(found["entity"][1]), "validation_links": dev_links, **settings.model_dump()},
        "accuracy": {"train": accuracy(head, found), "validation": accuracy(head, dev) if dev_links else None},
        "note": "accuracy on the gold ENT/TIME spans as candidates; <kind>_rule: the rule linker's on the same",
    }
    log.info("learned linker: %s", info["accuracy"])
    return Linker(head, info)


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
