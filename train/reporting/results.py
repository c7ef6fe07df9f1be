"""Evaluation results written into a model folder, and its card rewritten from them.

``eval_results.json`` holds every evaluated split (:class:`train.evaluation.evaluate.SplitEvaluation`
scores: seqeval strict and conlleval, per source, calibration) and, under ``cross_domain``, the scores on
other corpora (:mod:`train.evaluation.crossdomain`); results already there for other splits or corpora
are kept. Beside it: ``classification_report_<split>.txt``, ``errors_<split>.jsonl`` (every sentence
with a wrong label, gold and predicted spans side by side), ``claims_eval_<split>.json`` (the rules
against the claims models) and ``README.md`` (the model card, :mod:`train.reporting.modelcard`).
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from train.config import RunConfig, load_config
from train.data.dataset import SPLITS
from train.data.labels import label_table
from train.evaluation.crossdomain import CrossDomain
from train.evaluation.evaluate import CROSS_DOMAIN, SplitEvaluation
from train.inference.linker import FILES as LINKER_FILES
from train.io import atomic_write_json, atomic_write_jsonl, atomic_write_text
from train.reporting.cardclaims import own_rows
from train.reporting.modelcard import write_model_card
from train.training.base_model import base_model_name

RESULTS_FILE = "eval_results.json"


def library_versions() -> dict[str, str]:
    import accelerate
    import datasets
    import tokenizers
    import torch
    import transformers

    versions = {m.__name__: m.__version__ for m in (transformers, torch, datasets, tokenizers, accelerate)}
    versions["python"] = platform.python_version()
    return versions


def stored_results(model_dir: Path) -> dict[str, Any]:
    path = Path(model_dir) / RESULTS_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def write_evaluation(model_dir: Path, config: RunConfig, evaluations: list[SplitEvaluation]) -> dict[str, Any]:
    """Each scored split's report and errors, its scores into ``eval_results.json``, and the card; returns
    the stored results."""
    results = stored_results(model_dir)
    for evaluation in evaluations:
        if evaluation.scores is None:
            continue
        results[evaluation.split] = evaluation.scores
        atomic_write_text(model_dir / f"classification_report_{evaluation.split}.txt", evaluation.report)
        atomic_write_jsonl(model_dir / f"errors_{evaluation.split}.jsonl", evaluation.errors)
    atomic_write_json(model_dir / RESULTS_FILE, results)
    write_card(model_dir, config, results)
    return results


def write_cross_domain(model_dir: Path, config: RunConfig, result: CrossDomain) -> dict[str, Any]:
    """The scores on other corpora into ``eval_results.json`` (beside those stored before), and the card."""
    results = stored_results(model_dir)
    results[CROSS_DOMAIN] = {**results.get(CROSS_DOMAIN, {}), **result.corpora}
    atomic_write_json(model_dir / RESULTS_FILE, results)
    write_card(model_dir, config, results)
    return results


def write_claims_evaluation(model_dirs: list[Path], split: str, results: dict[str, Any]) -> None:
    """The comparison of the rules and the claims models into every one of their folders, and their cards."""
    for model_dir in map(Path, model_dirs):
        atomic_write_json(model_dir / f"claims_eval_{split}.json", results)
        write_card(model_dir, load_config(model_dir / "run_config.yaml"), stored_results(model_dir))


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
        claims={
            path.stem.removeprefix("claims_eval_"): own_rows(json.loads(path.read_text(encoding="utf-8")), model_dir)
            for path in sorted(model_dir.glob("claims_eval_*.json"))
        },
        linker=json.loads(info.read_text(encoding="utf-8")) if (info := model_dir / LINKER_FILES[1]).is_file() else None,
    )
