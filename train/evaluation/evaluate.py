"""Evaluation of a trained model on the prepared dataset, at word level, returning result objects.

:func:`evaluate_splits` scores a model on splits of its task's rows: seqeval strict and conlleval, per
split and per source, the calibration of its probabilities (:mod:`train.evaluation.calibration`), the
seqeval report and every sentence with a wrong label (gold and predicted spans side by side). It writes
and prints nothing: the ``fit`` and ``evaluate`` steps (:mod:`train.steps`) hand the results to
:mod:`train.reporting.results`, which writes ``eval_results.json``, the reports, the error files and
the card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datasets import Dataset, DatasetDict

from train.config import RunConfig, load_config
from train.data.dataset import load_prepared, rows_to_spans, task_splits
from train.data.labels import TAG_COLUMNS, tag_names
from train.evaluation.calibration import calibration
from train.evaluation.metrics import classification_report, compute_seqeval
from train.inference.models import load_trained
from train.inference.predictor import predict_words

CROSS_DOMAIN = "cross_domain"  # the eval_results.json key of the scores on other corpora (train/evaluation/crossdomain.py)


@dataclass
class SplitEvaluation:
    """One split scored: ``scores`` is its ``eval_results.json`` entry (:func:`compute_seqeval` with
    ``sentences``, ``by_source`` and ``calibration``), None when the split has no sentence of the task."""

    task: str
    split: str
    sentences: int
    scores: dict[str, Any] | None = None
    report: str = ""  # seqeval's text report (strict IOB2)
    errors: list[dict] = field(default_factory=list)  # every sentence with a wrong label: text, gold and predicted spans


def predict_scored(part: Dataset, model, tokenizer, batch_size: int) -> list[list[tuple[str, float]]]:
    """``(label, probability)`` for every word of the split's sentences."""
    return predict_words(model, tokenizer, list(part["tokens"]), batch_size=batch_size, progress=len(part) > 2000)


def predict_split(part: Dataset, model, tokenizer, batch_size: int) -> list[list[str]]:
    return [[label for label, _ in sentence] for sentence in predict_scored(part, model, tokenizer, batch_size)]


def sentence_text(row: dict) -> str:
    """The sentence as written (its words at their offsets, the gaps as spaces)."""
    base, chars = row["starts"][0], []
    for word, start in zip(row["tokens"], row["starts"]):
        chars.append(" " * (start - base - len("".join(chars))) + word)
    return "".join(chars)


def labelled_words(row: dict, task: str, tags: list[str], text: str) -> list[str]:
    spans = rows_to_spans([{**row, TAG_COLUMNS[task]: tags}], task)
    base = row["starts"][0]
    return [f"{text[s.start - base : s.end - base]}/{s.label}" for s in spans]


def error_rows(part: Dataset, task: str, gold: list[list[str]], predicted: list[list[str]]) -> list[dict]:
    """Every sentence with a wrong label: its text and the gold and predicted spans side by side."""
    rows = []
    for row, reference, hypothesis in zip(part, gold, predicted):
        if reference != hypothesis:
            text = sentence_text(row)
            rows.append(
                {
                    "id": row["id"],
                    "source": row["source"],
                    "sentence": text,
                    "gold": labelled_words(row, task, reference, text),
                    "predicted": labelled_words(row, task, hypothesis, text),
                }
            )
    return rows


def evaluate_split(part: Dataset, task: str, split: str, model, tokenizer, batch_size: int) -> SplitEvaluation:
    if len(part) == 0:
        return SplitEvaluation(task, split, 0)
    names = part.features[TAG_COLUMNS[task]].feature.names
    gold = tag_names(part[TAG_COLUMNS[task]], names)
    scored = predict_scored(part, model, tokenizer, batch_size)
    predicted = [[label for label, _ in sentence] for sentence in scored]
    scores = compute_seqeval(gold, predicted)
    by_source = {}
    row_sources = list(part["source"])
    for source in sorted(set(row_sources)):
        keep = [i for i, s in enumerate(row_sources) if s == source]
        by_source[source] = compute_seqeval([gold[i] for i in keep], [predicted[i] for i in keep])
    scores["sentences"] = len(part)
    scores["by_source"] = by_source
    scores["calibration"] = calibration(gold, scored, task)
    return SplitEvaluation(
        task, split, len(part), scores, classification_report(gold, predicted), error_rows(part, task, gold, predicted)
    )


def evaluate_splits(
    config: RunConfig, dataset: DatasetDict, model, tokenizer, splits: tuple[str, ...] = ("validation", "test")
) -> list[SplitEvaluation]:
    """The model scored on ``splits`` of ``dataset`` (rows of the task's layer), in that order."""
    task = config.train.task
    return [evaluate_split(dataset[split], task, split, model, tokenizer, config.train.eval_batch_size) for split in splits]


def model_task(model_dir: Path) -> str:
    return load_config(model_dir / "run_config.yaml").train.task


def evaluate_model(model_dir: Path, split: str = "test") -> list[SplitEvaluation]:
    """Re-evaluate a saved model folder on a split of the dataset its config names."""
    config = load_config(model_dir / "run_config.yaml")
    dataset = load_prepared(config)
    task = config.train.task
    part = task_splits(DatasetDict({split: dataset[split]}), task)
    tokenizer, model = load_trained(model_dir, task)
    return evaluate_splits(config, part, model, tokenizer, splits=(split,))
