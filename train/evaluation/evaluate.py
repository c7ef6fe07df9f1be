"""Evaluation of a model folder on the prepared dataset, at word level, and its model card.

Writes into the model folder: ``eval_results.json`` (seqeval strict and conlleval, per split and per
source; the calibration of the model's probabilities: :mod:`train.evaluation.calibration`; under ``cross_domain``,
the scores on other corpora of ``train/evaluation/crossdomain.py``),
``classification_report_<split>.txt``, ``errors_<split>.jsonl`` (every sentence with a wrong
label, gold and predicted spans side by side) and ``README.md`` (the model card). ``evaluate_folder``
serves ``fit`` (right after training) and ``python -m train evaluate`` alike.
"""

from __future__ import annotations

import json
import logging
import platform
from pathlib import Path

from datasets import Dataset, DatasetDict
from transformers import PreTrainedModel, PreTrainedTokenizerFast

from train.config import RunConfig, load_config
from train.data.dataset import SPLITS, load_prepared, rows_to_spans, task_splits
from train.data.labels import TAG_COLUMNS, label_table, tag_names
from train.evaluation.calibration import calibration, calibration_line
from train.evaluation.metrics import classification_report, compute_seqeval, format_table
from train.inference.models import load_trained
from train.inference.predictor import predict_words
from train.io import atomic_write_json, atomic_write_jsonl, atomic_write_text
from train.reporting.modelcard import write_model_card
from train.training.base_model import base_model_name

log = logging.getLogger(__name__)

CROSS_DOMAIN = "cross_domain"  # the eval_results.json key of the scores on other corpora (train/evaluation/crossdomain.py)


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


def evaluate_split(part: Dataset, task: str, model, tokenizer, batch_size: int) -> tuple[dict, str, list[dict]]:
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
    return scores, classification_report(gold, predicted), error_rows(part, task, gold, predicted)


def library_versions() -> dict[str, str]:
    import accelerate
    import datasets
    import tokenizers
    import torch
    import transformers

    versions = {m.__name__: m.__version__ for m in (transformers, torch, datasets, tokenizers, accelerate)}
    versions["python"] = platform.python_version()
    return versions


def evaluate_folder(
    model_dir: Path,
    *,
    config: RunConfig,
    dataset: DatasetDict,
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerFast,
    splits: tuple[str, ...] = ("validation", "test"),
) -> dict:
    """Evaluate on ``splits`` (rows of the task's layer), write the results and the card into ``model_dir``."""
    task = config.train.task
    results_path = model_dir / "eval_results.json"
    results = json.loads(results_path.read_text()) if results_path.is_file() else {}
    for split in splits:
        part = dataset[split]
        if len(part) == 0:
            print(f"\n{task} / {split}: no sentences annotated in the '{task}' layer in this split; nothing to evaluate")
            continue
        scores, report, errors = evaluate_split(part, task, model, tokenizer, config.train.eval_batch_size)
        results[split] = scores
        atomic_write_text(model_dir / f"classification_report_{split}.txt", report)
        atomic_write_jsonl(model_dir / f"errors_{split}.jsonl", errors)
        print(f"\n{task} / {split}: {len(part)} sentences\n{format_table(scores)}")
        print(calibration_line(scores["calibration"]))
        print(f"{len(errors)} sentences with a wrong label: errors_{split}.jsonl in the model folder (gold and predicted)")
    atomic_write_json(results_path, results)
    write_card(model_dir, config, results)
    return results


def write_card(model_dir: Path, config: RunConfig, results: dict) -> None:
    """(Re)write the model card from the run config and the contents of ``eval_results.json``."""
    task = config.train.task
    sources = [
        {"name": s.name, "description": s.description, "license": s.license, "url": s.url, "split": s.split}
        for s in config.data.sources
        if task in s.layers
    ]
    write_model_card(
        model_dir,
        task=task,
        labels=label_table()[task],
        base_model=base_model_name(config.model),
        config=config.model_dump(mode="json"),
        metrics={
            split: {k: v for k, v in scores.items() if k != "by_source"} for split, scores in results.items() if split in SPLITS
        },
        data_sources=sources,
        versions=library_versions(),
        model_name=config.path(config.train.output_dir).name,
        license=config.model.license,
        cross_domain=results.get(CROSS_DOMAIN),
    )


def model_task(model_dir: Path) -> str:
    return load_config(model_dir / "run_config.yaml").train.task


def evaluate_model(model_dir: Path, split: str = "test") -> dict:
    """Re-evaluate a saved model folder on a split of the dataset its config names."""
    config = load_config(model_dir / "run_config.yaml")
    dataset = load_prepared(config)
    task = config.train.task
    part = task_splits(DatasetDict({split: dataset[split]}), task)
    tokenizer, model = load_trained(model_dir, task)
    return evaluate_folder(model_dir, config=config, dataset=part, model=model, tokenizer=tokenizer, splits=(split,))
