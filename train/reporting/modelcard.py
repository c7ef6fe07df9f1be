"""Writes the HuggingFace model card (``README.md``) of a trained model folder.

The YAML metadata, including the ``model-index`` of evaluation results, is built with
huggingface_hub's own ``ModelCardData`` and ``EvalResult`` and parsed back with ``ModelCard``
before anything is written, so a card that the hub would reject never reaches the disk. Its metadata
carries a ``widget`` example (the hub's inference box); its figures, the F1 of each type and the
reliability diagram (:mod:`train.reporting.figures`), are PNG files beside it, linked from the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from huggingface_hub import EvalResult, ModelCard, ModelCardData

from train.config import dotted_items, resolve_path
from train.evaluation.metrics import SCORE_HEADER, score_rows
from train.io import atomic_write_bytes, atomic_write_text
from train.reporting.figures import VIEWS, card_figures

TASKS: dict[str, dict[str, str]] = {
    "ner": {
        "tag": "ner",
        "task_name": "Named Entity Recognition",
        "summary": (
            "tags named entities in Modern Standard Arabic text: persons (PERS), locations (LOC), "
            "organizations (ORG) and miscellaneous entities (MISC), following the ANERcorp guidelines."
        ),
        "intended": (
            "Intended for extracting people, places, organizations and other named entities from Modern "
            "Standard Arabic news, for example to index, search or link articles, or as one step of an "
            "information-extraction pipeline."
        ),
        "example": "زار الرئيس الفرنسي إيمانويل ماكرون القاهرة يوم الأحد والتقى بممثلي جامعة الدول العربية.",
    },
    "claims": {
        "tag": "number-claims",
        "task_name": "Number Claim Extraction",
        "summary": (
            "tags number claims in Arabic news text: the quantity expression (QTY), what is counted "
            "(ENT) and the time scope the figure refers to (TIME). It finds the parts of a numeric "
            "statement so that it can be checked; it does not judge whether the statement is true."
        ),
        "intended": (
            "Intended for surfacing numeric claims in Arabic news so that journalists and fact-checkers can "
            "review them: a first pass before verification, not a substitute for it."
        ),
        "example": "ارتفع عدد سكان مصر إلى 105 ملايين نسمة في عام 2023.",
    },
}

# tests/test_compat.py loads the folders fit writes, and runs the usage code below, in these versions.
TESTED_RANGE = "Loads with transformers 4.45-4.57 and 5.x (tested, with the `pipeline` example above)."

RECORDS_USAGE = """

Whole articles into normalized claim records (value, bounds, approximate, vague, kind, unit, what is
counted, when), sentence by sentence and past the pipeline's length limit, with the training project
installed:

```python
from train.inference.tagger import Tagger
records = Tagger(claims="{repo_id}")([article_text])
```"""

_COMMON_LIMITATIONS = [
    "Trained and evaluated on Modern Standard Arabic news. Expect lower accuracy on dialectal Arabic, "
    "social media, classical or religious texts, transcribed speech and Arabizi (Arabic in Latin script); "
    "the model has not been evaluated on them.",
    "Labels are assigned to whole words as written, clitics included (`والعراق` is one word). Word-level "
    'scores assume the same whitespace-and-punctuation word split; the pipeline\'s `aggregation_strategy="first"` '
    "labels each word by its first sub-word, as in training.",
    "The tokenizer removes diacritics and tatweel (and reads Arabic-Indic and Persian digits as 0-9). The pipeline's "
    'word grouping (`aggregation_strategy` `"first"`, `"average"` or `"max"`) takes a token for the continuation of '
    "the previous word whenever it differs in length from the text it covers, so a word written with diacritics or "
    "tatweel is merged into the word before it. For such text, use the project's `train.inference.tagger.Tagger` (the "
    "training word split, offsets into the text as written), or remove the marks before calling the pipeline.",
    "Inputs longer than the model's maximum sequence length are truncated by the pipeline unless you split them "
    "into sentences first or pass `stride` (e.g. `pipeline(..., stride=32)`).",
    "The model reflects the topics, period and sources of its training data and may under-perform on "
    "names, places and organizations that are rare or absent there.",
]

TASK_LIMITATIONS: dict[str, list[str]] = {
    "ner": [
        "ANERcorp is a small corpus of news from the mid-2000s; its MISC class is heterogeneous and its "
        "annotation has known inconsistencies, so MISC scores are the least reliable.",
    ],
    "claims": [
        "The training data are silver: labels were produced automatically and only partly checked by people, "
        "so the model inherits their systematic errors. Treat its output as candidates for review, not facts.",
        "It extracts the parts of a numeric claim; it does not verify the figure, resolve what a relative time "
        '("last year") refers to, or normalise numbers written in words.',
        "Used alone (e.g. through `pipeline`), it now and then tags a word that is no number (`وملف`) as QTY. "
        "The project's `python -m train tag` drops every QTY whose text its normalizer reads as no number "
        "and turns the rest into records; do the same, or expect such strays.",
    ],
}

_CAMELBERT_BIBTEX = """@inproceedings{inoue-etal-2021-interplay,
    title = "The Interplay of Variant, Size, and Task Type in {A}rabic Pre-trained Language Models",
    author = "Inoue, Go and Alhafni, Bashar and Baimukan, Nurpeiis and Bouamor, Houda and Habash, Nizar",
    booktitle = "Proceedings of the Sixth Arabic Natural Language Processing Workshop",
    month = apr,
    year = "2021",
    address = "Kyiv, Ukraine (Online)",
    publisher = "Association for Computational Linguistics",
    url = "https://aclanthology.org/2021.wanlp-1.10",
    pages = "92--104",
}"""

_ANERCORP_BIBTEX = """@inproceedings{benajiba-etal-2007-anersys,
    title = "{ANERsys}: An {A}rabic Named Entity Recognition System Based on Maximum Entropy",
    author = "Benajiba, Yassine and Rosso, Paolo and Bened{\\'i}, Jos{\\'e} Miguel",
    booktitle = "Computational Linguistics and Intelligent Text Processing (CICLing 2007)",
    series = "Lecture Notes in Computer Science",
    volume = "4394",
    pages = "143--153",
    publisher = "Springer",
    year = "2007",
    doi = "10.1007/978-3-540-70939-8_13",
}"""

_CAMEL_TOOLS_BIBTEX = """@inproceedings{obeid-etal-2020-camel,
    title = "{CAM}e{L} Tools: An Open Source Python Toolkit for {A}rabic Natural Language Processing",
    author = "Obeid, Ossama and Zalmout, Nasser and Khalifa, Salam and Taji, Dima and Oudah, Mai and
      Alhafni, Bashar and Inoue, Go and Eryani, Fadhl and Erdmann, Alexander and Habash, Nizar",
    booktitle = "Proceedings of the Twelfth Language Resources and Evaluation Conference",
    month = may,
    year = "2020",
    address = "Marseille, France",
    publisher = "European Language Resources Association",
    url = "https://aclanthology.org/2020.lrec-1.868",
    pages = "7022--7032",
}"""

# (metric type, mode in compute_seqeval, key, pretty name, seqeval arguments)
_INDEXED_METRICS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("precision", "strict", "precision", "Precision (strict IOB2)", {"mode": "strict", "scheme": "IOB2"}),
    ("recall", "strict", "recall", "Recall (strict IOB2)", {"mode": "strict", "scheme": "IOB2"}),
    ("f1", "strict", "f1", "F1 (strict IOB2)", {"mode": "strict", "scheme": "IOB2"}),
    ("f1", "conlleval", "f1", "F1 (conlleval)", {"mode": "default"}),
]


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


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("|", "\\|").replace("\n", " ")


HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def _hub_id(name: str) -> bool:
    """Whether ``name`` reads as a hub id (``ORG/NAME``) and is no local folder (``models/bert``)."""
    return HUB_ID.fullmatch(name) is not None and not resolve_path(name).exists()


def _model_reference(base_model: str) -> str:
    """A hub id as a link to its page; a local folder or the tiny test model as plain code."""
    return f"[{base_model}](https://huggingface.co/{base_model})" if _hub_id(base_model) else f"`{base_model}`"


def _source_line(source: Mapping[str, str | None]) -> str:
    parts = [str(source.get("description") or "").rstrip("."), f"Licence: {source['license']}" if source.get("license") else ""]
    split = f" ({source['split']})" if source.get("split") else ""
    line = f"- **{source['name']}**{split}" + (": " + ". ".join(p for p in parts if p) + "." if any(parts) else "")
    return f"{line} Source: <{source['url']}>" if source.get("url") else line


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _scores_table(scores: Mapping[str, Any]) -> str:
    per_type, micro = score_rows(scores)
    return _table([name.capitalize() for name in SCORE_HEADER], per_type + micro)


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
        "in-domain row scores the model's own split on the same types, for a like-for-like comparison.\n\n" + _table(header, rows)
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
        + _table(header, rows)
        + f"\n\n![Reliability diagram on the {split} split]({figure})\n\n"
        + "What `python -m train tag --min-score X` keeps of these spans (a span is right when the gold has the same "
        "words and type; at 0, the conlleval figures):\n\n"
        + _table(
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


def _body(
    *,
    task: str,
    labels: Mapping[str, str],
    base_model: str,
    config: Mapping[str, Any],
    metrics: Mapping[str, Mapping[str, Any]],
    data_sources: list[dict[str, str]],
    versions: Mapping[str, str],
    model_name: str,
    repo_id: str,
    cross_domain: Mapping[str, Mapping[str, Any]] | None = None,
    figures: Mapping[str, str],
) -> str:
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
    procedure = (_table(["Hyperparameter", "Value"], main_rows) + "\n\n" if main_rows else "") + (
        f"<details>\n<summary>Full resolved configuration ({len(config_rows)} settings)</summary>\n\n"
        + _table(["Setting", "Value"], config_rows)
        + "\n\n</details>"
    )
    results = [
        f"### {split}\n\n{_scores_table(scores)}\n\nToken accuracy: {scores['accuracy']:.4f}" for split, scores in metrics.items()
    ] or ["Not evaluated yet."]
    if "f1" in figures:
        results.append(f"![Strict F1 by type and split]({figures['f1']})")
    calibrated = calibrated_split(metrics)
    limitations = [f"- {item}" for item in _COMMON_LIMITATIONS + TASK_LIMITATIONS[task]]
    version_lines = [f"- {library} {version}" for library, version in versions.items()]
    version_lines.append(f"\n{TESTED_RANGE}")
    citations = [_CAMELBERT_BIBTEX]
    if any("anercorp" in s["name"].lower() for s in data_sources):
        citations += [_ANERCORP_BIBTEX, _CAMEL_TOOLS_BIBTEX]

    sections = [
        f"# {model_name}",
        f"`{model_name}` is a fine-tuned version of {_model_reference(base_model)} that "
        f"{spec['summary']} Tags use the IOB2 scheme over whitespace-and-punctuation words.",
        "## Labels",
        _table(["Label", "Tags", "Meaning"], label_rows) + "\n\nWords outside any span are tagged `O`.",
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
        "```bibtex\n" + "\n\n".join(citations) + "\n```",
    ]
    return "\n\n".join(sections) + "\n"


def write_model_card(
    model_dir: Path,
    *,
    task: str,
    labels: dict[str, str],
    base_model: str,
    config: dict[str, Any],
    metrics: dict[str, dict[str, Any]],
    data_sources: list[dict[str, str]],
    versions: dict[str, str],
    model_name: str,
    license: str,
    repo_id: str = "ORG/NAME",
    cross_domain: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """Write ``model_dir/README.md`` atomically and return its path.

    ``metrics`` maps a split name to a ``train.evaluation.metrics.compute_seqeval`` result (extra keys are
    ignored; a split's ``calibration``, a :func:`train.evaluation.calibration.calibration` result, is shown with its
    reliability diagram); the figures are written beside the card. ``data_sources`` are ``{"name",
    "description", "license", "url"}`` dicts (``url`` may be None).
    ``repo_id`` only fills the usage snippet. ``cross_domain``: the ``cross_domain`` results of
    ``eval_results.json`` (``train/evaluation/crossdomain.py``), shown as a table and as model-index results.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {sorted(TASKS)}")
    if not data_sources:
        raise ValueError("at least one data source is required")
    card_data = ModelCardData(
        language="ar",
        license=license,
        base_model=base_model if _hub_id(base_model) else None,  # the hub refuses a card naming a local path
        datasets=[s["name"] for s in data_sources if _hub_id(s["name"])] or None,
        pipeline_tag="token-classification",
        library_name="transformers",
        tags=["arabic", TASKS[task]["tag"], "token-classification", "bert"],
        metrics=["seqeval"],
        model_name=model_name,
        eval_results=(eval_results(task, metrics, data_sources) + cross_domain_results(task, cross_domain or {})) or None,
        widget=[{"text": TASKS[task]["example"]}],
    )
    figures = card_figures(metrics, calibrated_split(metrics))
    body = _body(
        task=task,
        labels=labels,
        base_model=base_model,
        config=config,
        metrics=metrics,
        data_sources=data_sources,
        versions=versions,
        model_name=model_name,
        repo_id=repo_id,
        cross_domain=cross_domain,
        figures={key: name for key, (name, _) in figures.items()},
    )
    content = str(ModelCard(f"---\n{card_data.to_yaml()}\n---\n\n{body}"))
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
