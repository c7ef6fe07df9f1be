"""The model card's text (:mod:`train.reporting.modelcard` adds the metadata): labels, data, training
procedure (the main hyperparameters, the whole resolved config collapsed), the scores of each split and
on other corpora, calibration, intended uses and limitations, usage, versions and citations. Its tables
go through :func:`train.reporting.tables.markdown_table`; its figures (:mod:`train.reporting.figures`)
are linked by file name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from train.config import dotted_items, resolve_path
from train.reporting.cardclaims import claims_section
from train.reporting.cardtext import (
    COMMON_LIMITATIONS,
    RECORDS_USAGE,
    TASK_LIMITATIONS,
    TASKS,
    TESTED_RANGE,
    citations,
)
from train.reporting.figures import VIEWS
from train.reporting.tables import markdown_table
from train.reporting.text import SCORE_HEADER, score_rows

# Settings shown up front, by training engine; the rest of the resolved configuration sits in a collapsed table.
_SHARED_HYPERPARAMETERS = (
    "model.base",
    "model.max_length",
    "train.engine",
    "train.epochs",
    "train.max_steps",
    "train.warmup_ratio",
    "train.weight_decay",
    "train.seed",
)
MAIN_HYPERPARAMETERS = {
    "trainer": _SHARED_HYPERPARAMETERS
    + (
        "train.learning_rate",
        "train.trainer.lr_scheduler_type",
        "train.batch_size",
        "train.trainer.gradient_accumulation_steps",
        "train.early_stopping_patience",
        "train.bf16",
    ),
    "fast": _SHARED_HYPERPARAMETERS
    + ("train.fast.learning_rate", "train.fast.batch_tokens", "train.fast.dropout", "train.bf16", "train.fast.compile"),
}


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("|", "\\|").replace("\n", " ")


HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def hub_id(name: str) -> bool:
    """Whether ``name`` reads as a hub id (``ORG/NAME``) and is no local folder (``models/bert``)."""
    return HUB_ID.fullmatch(name) is not None and not resolve_path(name).exists()


def _model_reference(base_model: str) -> str:
    """A hub id as a link to its page; a local folder or the tiny test model as plain code."""
    return f"[{base_model}](https://huggingface.co/{base_model})" if hub_id(base_model) else f"`{base_model}`"


def _source_line(source: Mapping[str, str | None]) -> str:
    parts = [str(source.get("description") or "").rstrip("."), f"Licence: {source['license']}" if source.get("license") else ""]
    split = f" ({source['split']})" if source.get("split") else ""
    line = f"- **{source['name']}**{split}" + (": " + ". ".join(p for p in parts if p) + "." if any(parts) else "")
    return f"{line} Source: <{source['url']}>" if source.get("url") else line


def _scores_table(scores: Mapping[str, Any]) -> str:
    per_type, micro = score_rows(scores)
    return markdown_table([name.capitalize() for name in SCORE_HEADER], per_type + micro)


def _cross_domain_row(name: str, types: list[str], scores: Mapping[str, Any]) -> list[str]:
    strict = scores["strict"]
    per_type = " · ".join(
        f"{label} {strict['per_type'][label]['f1']:.4f}" if label in strict["per_type"] else f"{label} —" for label in types
    )
    numbers = [f"{strict[key]:.4f}" for key in ("precision", "recall", "f1")]
    return [name, ", ".join(types), f"{scores['sentences']:,}", *numbers, per_type]


def _cross_domain_section(cross_domain: Mapping[str, Mapping[str, Any]] | None) -> str:
    """The scores on other corpora, each after the in-domain split scored on the same types."""
    if not cross_domain:
        return ""
    rows, shown = [], set()
    for name, scores in cross_domain.items():
        types, in_domain = list(scores["shared_types"]), scores.get("in_domain")
        if in_domain and (key := (tuple(types), in_domain["split"])) not in shown:
            shown.add(key)
            label = f"{' + '.join(in_domain['sources'])} ({in_domain['split']}, in-domain)"
            rows.append(_cross_domain_row(label, types, in_domain))
        rows.append(_cross_domain_row(f"{' + '.join(scores['sources'])} (`{scores.get('config', name)}`)", types, scores))
    header = ["Corpus", "Shared types", "Sentences", "Precision", "Recall", "F1", "F1 per type"]
    return (
        "\n\n### Cross-domain\n\nStrict scores on corpora of other domains, each read through the label mapping of "
        "its data config and scored on the types it shares with the model only: gold and predicted entities of "
        "other types are read as `O`, so a type the corpus lacks counts neither for nor against the model. The "
        "in-domain row scores the model's own split on the same types, for a like-for-like comparison.\n\n"
        + markdown_table(header, rows)
    )


def calibrated_split(metrics: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The split whose calibration the card shows: test where it has one, else the last that has one."""
    splits = [split for split, scores in metrics.items() if scores.get("calibration")]
    return "test" if "test" in splits else (splits[-1] if splits else None)


def _calibration_section(split: str, calibration: Mapping[str, Mapping[str, Any]], figure: str) -> str:
    """The reliability table of ``split`` (both views side by side) and its diagram."""

    def cells(result: Mapping[str, Any], index: int) -> list[str]:
        bin_ = result["bins"][index]
        if not bin_["count"]:
            return ["0", "", ""]
        return [f"{bin_['count']:,}", f"{bin_['confidence']:.3f}", f"{bin_['accuracy']:.3f}"]

    words, spans = calibration["words"], calibration["spans"]
    rows = [
        [f"{'[' if i == 0 else '('}{b['lower']:.1f}, {b['upper']:.1f}]", *cells(words, i), *cells(spans, i)]
        for i, b in enumerate(words["bins"])
        if b["count"] or spans["bins"][i]["count"]
    ]
    header = ["Probability", "Words", "Mean probability", "Accuracy", "Spans", "Mean score", "Precision"]
    return (
        f"How far the model's probabilities can be taken at face value, on the {split} split. **Words**: each word "
        "with the probability of the label predicted for it, right when that label is the gold one. **Spans**: each "
        "predicted span with its score as `python -m train tag` reports it (the mean probability of its words), right "
        "when the gold has the same words and type. Expected calibration error (ECE, the mean gap between accuracy "
        f"and probability over the bins, weighted by their counts; 0 is perfect): **{words['ece']:.4f}** for "
        f"{VIEWS['words']} ({words['count']:,}), **{spans['ece']:.4f}** for spans ({spans['count']:,}).\n\n"
        + markdown_table(header, rows)
        + f"\n\n![Reliability diagram on the {split} split]({figure})\n\n"
        + "What `python -m train tag --min-score X` keeps of these spans (a span is right when the gold has the same "
        "words and type; at 0, the conlleval figures):\n\n"
        + markdown_table(
            ["`--min-score`", "Spans kept", "Precision", "Recall", "F1"],
            [
                [
                    f"{row['min_score']:.1f}",
                    f"{row['kept']:,}",
                    f"{row['precision']:.3f}",
                    f"{row['recall']:.3f}",
                    f"{row['f1']:.3f}",
                ]
                for row in spans["by_min_score"]
            ],
        )
    )


@dataclass(frozen=True)
class CardFacts:
    """What a model card says. ``metrics`` maps a split name to a
    :func:`train.evaluation.metrics.compute_seqeval` result (extra keys are ignored; a split's
    ``calibration``, a :func:`train.evaluation.calibration.calibration` result, is shown with its
    reliability diagram). ``data_sources`` are ``{"name", "description", "license", "url", "split"}``
    dicts (``url`` may be None). ``repo_id`` only fills the usage snippet. ``cross_domain``: the
    ``cross_domain`` results of ``eval_results.json`` (:mod:`train.evaluation.crossdomain`), shown as a
    table and as model-index results. ``claims`` (split -> :func:`train.reporting.cardclaims.own_rows`) and
    ``linker`` (``linker.json``) make the claim records section (:mod:`train.reporting.cardclaims`)."""

    task: str
    labels: Mapping[str, str]
    base_model: str
    config: Mapping[str, Any]
    metrics: Mapping[str, Mapping[str, Any]]
    data_sources: list[dict[str, str]]
    versions: Mapping[str, str]
    model_name: str
    license: str
    repo_id: str = "ORG/NAME"
    cross_domain: Mapping[str, Mapping[str, Any]] | None = None
    claims: Mapping[str, Mapping[str, Any]] | None = None
    linker: Mapping[str, Any] | None = None


def body(facts: CardFacts, figures: Mapping[str, str]) -> str:
    """The card's Markdown text; ``figures`` maps ``f1`` and ``reliability`` to the file names of those there are."""
    task, labels, base_model, config = facts.task, facts.labels, facts.base_model, facts.config
    metrics, data_sources, versions, model_name = facts.metrics, facts.data_sources, facts.versions, facts.model_name
    repo_id, cross_domain = facts.repo_id, facts.cross_domain
    spec = TASKS[task]
    label_rows = [
        [f"`{label}`", "`O`" if label == "O" else f"`B-{label}`, `I-{label}`", _cell(meaning)]
        for label, meaning in labels.items()
    ]
    source_lines = [_source_line(source) for source in data_sources]
    settings = [(key, value) for key, value in dotted_items(config) if not (key == "model.base" and config["model"].get("tiny"))]
    main = MAIN_HYPERPARAMETERS[config.get("train", {}).get("engine", "trainer")]
    main_rows = [[f"`{key}`", _cell(value)] for key, value in settings if key in main]
    config_rows = [[f"`{key}`", _cell(value)] for key, value in settings]
    procedure = (markdown_table(["Hyperparameter", "Value"], main_rows) + "\n\n" if main_rows else "") + (
        f"<details>\n<summary>Full resolved configuration ({len(config_rows)} settings)</summary>\n\n"
        + markdown_table(["Setting", "Value"], config_rows)
        + "\n\n</details>"
    )
    results = [
        f"### {split}\n\n{_scores_table(scores)}\n\nToken accuracy: {scores['accuracy']:.4f}" for split, scores in metrics.items()
    ] or ["Not evaluated yet."]
    if "f1" in figures:
        results.append(f"![Strict F1 by type and split]({figures['f1']})")
    calibrated = calibrated_split(metrics)
    limitations = [f"- {item}" for item in COMMON_LIMITATIONS + TASK_LIMITATIONS[task]]
    version_lines = [f"- {library} {version}" for library, version in versions.items()]
    version_lines.append(f"\n{TESTED_RANGE}")
    cited = ["inoue-etal-2021-interplay"]
    if any("anercorp" in s["name"].lower() for s in data_sources):
        cited += ["benajiba-etal-2007-anersys", "obeid-etal-2020-camel"]

    sections = [
        f"# {model_name}",
        f"`{model_name}` is a fine-tuned version of {_model_reference(base_model)} that "
        f"{spec['summary']} Tags use the IOB2 scheme over whitespace-and-punctuation words.",
        "## Labels",
        markdown_table(["Label", "Tags", "Meaning"], label_rows) + "\n\nWords outside any span are tagged `O`.",
        "## Data",
        "The sources of the dataset the model was trained and evaluated on, with the split each went to:\n\n"
        + "\n".join(source_lines),
        "## Training procedure",
        f"Fine-tuned from `{base_model}` for token classification; "
        + (
            "every sub-word carries its word's label during training (`I-` after the first), so that "
            '`aggregation_strategy="simple"` returns whole words more often; scores read the first sub-word.'
            if config.get("train", {}).get("label_subwords") == "all"
            else "only the first sub-word of each word carries a label during training."
        )
        + "\n\n"
        + procedure,
        "## Evaluation",
        "Entity-level micro scores computed with [seqeval](https://github.com/chakki-works/seqeval) on words. "
        '**Strict** (`mode="strict", scheme=IOB2`) counts an entity only when its tags form a valid IOB2 chunk '
        "with the right type and boundaries; **conlleval** (seqeval's default) mirrors the CoNLL `conlleval` "
        "script, which also accepts chunks opened by a stray `I-` tag. Per-type rows are strict; support is the "
        "number of reference entities. Splits are those of the dataset built from the training data above.\n\n"
        + "\n\n".join(results)
        + _cross_domain_section(cross_domain),
        *(["## Claim records", claims_section(facts.claims or {}, facts.linker)] if facts.claims or facts.linker else []),
        *(
            ["## Calibration", _calibration_section(calibrated, metrics[calibrated]["calibration"], figures["reliability"])]
            if calibrated and "reliability" in figures
            else []
        ),
        "## Intended uses and limitations",
        f"{spec['intended']}\n\n" + "\n".join(limitations),
        "## How to use",
        "```python\n"
        "from transformers import pipeline\n"
        f'tagger = pipeline("token-classification", model="{repo_id}", aggregation_strategy="first")\n'
        f'tagger("{spec["example"]}")\n'
        "```" + (RECORDS_USAGE.format(repo_id=repo_id) if task == "claims" else ""),
        "## Framework versions",
        "\n".join(version_lines),
        "## Citation",
        "```bibtex\n" + "\n\n".join(citations()[key] for key in cited) + "\n```",
    ]
    return "\n\n".join(sections) + "\n"
