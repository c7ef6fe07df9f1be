"""Writes the HuggingFace model card (``README.md``) of a trained model folder.

The YAML metadata, including the ``model-index`` of evaluation results, is built with
huggingface_hub's own ``ModelCardData`` and ``EvalResult`` and parsed back with ``ModelCard``
before anything is written, so a card that the hub would reject never reaches the disk. Its metadata
carries a ``widget`` example (the hub's inference box); its figures, the F1 of each type and the
reliability diagram (:mod:`train.reporting.figures`), are PNG files beside it, linked from the text
(:mod:`train.reporting.cardbody`). An ONNX export's card is the source's with a section on the export.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from huggingface_hub import EvalResult, ModelCard, ModelCardData

from train.io import atomic_write_bytes, atomic_write_text
from train.reporting.cardbody import CardFacts, body, calibrated_split, hub_id
from train.reporting.cardtext import TASKS
from train.reporting.figures import F1_CHART, RELIABILITY_CHART, card_figures

# (metric type, mode in compute_seqeval, key, pretty name, seqeval arguments)
_INDEXED_METRICS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("precision", "strict", "precision", "Precision (strict IOB2)", {"mode": "strict", "scheme": "IOB2"}),
    ("recall", "strict", "recall", "Recall (strict IOB2)", {"mode": "strict", "scheme": "IOB2"}),
    ("f1", "strict", "f1", "F1 (strict IOB2)", {"mode": "strict", "scheme": "IOB2"}),
    ("f1", "conlleval", "f1", "F1 (conlleval)", {"mode": "default"}),
]


def _feeds(source: Mapping[str, Any], split: str) -> bool:
    """Whether ``source`` has rows in ``split`` (its ``split`` setting: auto, a split, or ``train+validation``)."""
    setting = source.get("split") or "auto"
    return setting == "auto" or split in setting.split("+")


def eval_results(task: str, metrics: Mapping[str, Mapping[str, Any]], data_sources: list[dict[str, str]]) -> list[EvalResult]:
    """One model-index result per split, its dataset named after the sources with rows in that split."""
    names = {
        split: [s["name"] for s in data_sources if _feeds(s, split)] or [s["name"] for s in data_sources] for split in metrics
    }
    return [
        EvalResult(
            task_type="token-classification",
            task_name=TASKS[task]["task_name"],
            dataset_type="+".join(names[split]),
            dataset_name=" + ".join(names[split]),
            dataset_split=split,
            metric_type=metric_type,
            metric_name=pretty,
            metric_args=args,
            metric_value=round(scores[mode][key], 4),
        )
        for split, scores in metrics.items()
        for metric_type, mode, key, pretty, args in _INDEXED_METRICS
    ]


def cross_domain_results(task: str, cross_domain: Mapping[str, Mapping[str, Any]]) -> list[EvalResult]:
    """One model-index result per metric for each other corpus, its name saying the types it was scored on."""
    return [
        EvalResult(
            task_type="token-classification",
            task_name=TASKS[task]["task_name"],
            dataset_type="+".join(scores["sources"]),
            dataset_name=" + ".join(scores["sources"]),
            metric_type=metric_type,
            metric_name=f"{pretty.removesuffix(')')}, on {'/'.join(scores['shared_types'])})",
            metric_args=args,
            metric_value=round(scores[mode][key], 4),
        )
        for scores in cross_domain.values()
        for metric_type, mode, key, pretty, args in _INDEXED_METRICS
    ]


def write_model_card(model_dir: Path, **facts: Any) -> Path:
    """Write ``model_dir/README.md`` atomically, with its figures beside it, and return its path;
    ``facts`` are the fields of :class:`train.reporting.cardbody.CardFacts`."""
    card = CardFacts(**facts)
    if card.task not in TASKS:
        raise ValueError(f"unknown task {card.task!r}; expected one of {sorted(TASKS)}")
    if not card.data_sources:
        raise ValueError("at least one data source is required")
    results = eval_results(card.task, card.metrics, card.data_sources) + cross_domain_results(card.task, card.cross_domain or {})
    card_data = ModelCardData(
        language="ar",
        license=card.license,
        base_model=card.base_model if hub_id(card.base_model) else None,  # the hub refuses a card naming a local path
        datasets=[s["name"] for s in card.data_sources if hub_id(s["name"])] or None,
        pipeline_tag="token-classification",
        library_name="transformers",
        tags=["arabic", TASKS[card.task]["tag"], "token-classification", "bert"],
        metrics=["seqeval"],
        model_name=card.model_name,
        eval_results=results or None,
        widget=[{"text": TASKS[card.task]["example"]}],
    )
    figures = card_figures(card.metrics, calibrated_split(card.metrics))
    text = body(card, {key: name for key, (name, _) in figures.items()})
    content = str(ModelCard(f"---\n{card_data.to_yaml()}\n---\n\n{text}"))
    for name, png in figures.values():
        atomic_write_bytes(Path(model_dir) / name, png)
    return atomic_write_text(Path(model_dir) / "README.md", content)


USAGE_MODEL = re.compile(r'(pipeline\("token-classification", model="|Tagger\(claims=")[^"]*(")')


def set_card_repo_id(model_dir: Path, repo_id: str) -> None:
    """Point the card's usage snippet at ``repo_id`` (``push`` does this before uploading)."""
    path = Path(model_dir) / "README.md"
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    updated = USAGE_MODEL.sub(lambda match: f"{match[1]}{repo_id}{match[2]}", text)
    if updated != text:
        atomic_write_text(path, updated)


def write_export_card(source: Path, folder: Path, int8: bool) -> None:
    """The card of the model folder ``source``, with a section on its ONNX export, and the figures it
    links, into the export's ``folder`` (:func:`train.inference.onnx.export_onnx`); nothing without a card."""
    import torch

    from train.inference.linker import FILES as LINKER_FILES
    from train.inference.onnx import MODEL_FILE

    card = Path(source) / "README.md"
    if not card.is_file():
        return
    weights = "int8 weights (`onnxruntime.quantization.quantize_dynamic`, activations quantized at run time)" if int8 else "fp32"
    atomic_write_text(
        folder / "README.md",
        card.read_text(encoding="utf-8").rstrip("\n")
        + (
            "\n\n## ONNX export\n\n"
            f"This folder holds the model above as ONNX ({MODEL_FILE}, {weights}), exported with torch {torch.__version__} "
            "(`python -m train export`): inputs `input_ids` and `attention_mask` (int64, batch × sequence), output "
            "`logits` (batch × sequence × labels, `id2label` in config.json), with the tokenizer that feeds it. It "
            "runs on onnxruntime without torch; in this project:\n\n"
            "```python\nfrom train.inference.tagger import Tagger\n\n"
            'tagger = Tagger(ner="PATH/TO/THIS/FOLDER", backend="onnx")  # or claims=...\n```\n\n'
            "or `python -m train tag --backend onnx --ner PATH/TO/THIS/FOLDER articles/`. "
            "Unlike the source folder, it does not load with `pipeline(...)` (no torch weights).\n"
            + (
                "\nThe learned linker of the source folder is not exported (it reads the encoder's hidden states, which "
                "this export does not give): here the rule linker links each claim (the rows `this model, rule linker` "
                "of the claim records above, once `python -m train evaluate` has scored it).\n"
                if (Path(source) / LINKER_FILES[1]).is_file()
                else ""
            )
        ),
    )
    for figure in (F1_CHART, RELIABILITY_CHART):  # the card links them
        if (Path(source) / figure).is_file():
            shutil.copyfile(Path(source) / figure, folder / figure)
