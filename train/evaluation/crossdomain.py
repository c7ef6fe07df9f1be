"""Cross-domain evaluation: a trained model scored on the sources of another data config.

``python -m train evaluate MODEL_DIR --data configs/aqmar.yaml`` reads the sources of that config
(each CoNLL source through its ``label_map``, which must name every tag of the corpus: an unnamed
tag is an error with its file and line) and scores the model with strict seqeval on the **shared
types** only: the model labels the mapping produces. Gold and predictions are both restricted to them,
so a type the corpus lacks (MISC, when nothing maps to it) counts neither for nor against the model.
Next to each corpus the model's in-domain split (test) is scored on the same shared types, so the drop
is measured like for like.

:func:`evaluate_cross_domain` returns a :class:`CrossDomain` and writes nothing: the ``evaluate`` step
(:mod:`train.steps`) prints its tables and stores it in the model folder's ``eval_results.json`` under
``cross_domain``, keyed by the config's file name (``{"cross_domain": {"aqmar": {...}}}``), and the
model card is rewritten to show it (:mod:`train.reporting.results`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datasets import DatasetDict

from train.config import ConfigError, RunConfig, load_config
from train.data.articles import DataError
from train.data.dataset import article_rows, load_prepared, task_splits
from train.data.labels import TAG_COLUMNS, entity_labels, tag_names
from train.data.readers import read_source
from train.evaluation.evaluate import predict_split
from train.evaluation.metrics import compute_seqeval
from train.inference.models import load_trained
from train.inference.predictor import predict_words


def _target(value: str) -> str | None:
    """The entity type a ``label_map`` value stands for (a type, ``B-X``/``I-X`` for a whole tag, ``O``: none)."""
    if value == "O":
        return None
    return value[2:] if value[:2] in ("B-", "I-") else value


def shared_types(config: RunConfig, config_file: str, task: str, model_labels: Iterable[str]) -> list[str]:
    """The model labels the sources of ``config`` map onto; an error for a mapping onto a label the
    model does not have, and for a mapping that leaves no type shared with the model."""
    model_labels = sorted(set(model_labels))
    shared: set[str] = set()
    for source in config.data.sources:
        if source.format != "conll":  # our own formats carry the guidelines' labels
            shared.update(label for label in entity_labels(task) if label in model_labels)
            continue
        for key, value in source.label_map.items():
            target = _target(value)
            if target is not None and target not in model_labels:
                raise ConfigError(
                    f"{config_file}: source '{source.name}' maps {key!r} to {value!r}, a label the model does not have "
                    f"(its labels: {', '.join(model_labels)}); map it to one of them, or to O to drop it"
                )
            if target is not None:
                shared.add(target)
    if not shared:
        raise ConfigError(
            f"{config_file}: the label_map of its sources maps no corpus type onto a label of the model "
            f"({', '.join(model_labels)}), so there is nothing to score; map at least one type (e.g. PER: PERS)"
        )
    return sorted(shared)


def restrict(tags: Iterable[Iterable[str]], types: Iterable[str]) -> list[list[str]]:
    """Every tag of a type outside ``types`` read as ``O``."""
    kept = set(types)
    return [[tag if tag == "O" or tag[2:] in kept else "O" for tag in sentence] for sentence in tags]


def corpus_rows(config: RunConfig, config_file: str, task: str) -> list[dict]:
    """The sentences of the config's sources annotated in the task's layer, with label names as tags."""
    rows = []
    for source in config.data.sources:
        try:
            articles = read_source(config, source, exhaustive=True)
        except DataError as error:
            raise DataError(f"{config_file}, source '{source.name}': {error}") from None
        rows += [row for article in articles for row in article_rows(article) if task in row["layers"]]
    if not rows:
        raise DataError(f"{config_file}: its sources hold no sentence annotated in the '{task}' layer")
    return rows


def _scores(gold: list[list[str]], predicted: list[list[str]], types: list[str]) -> dict[str, Any]:
    return compute_seqeval(restrict(gold, types), restrict(predicted, types))


def score_corpus(
    rows: list[dict], predicted: list[list[str]], task: str, types: list[str], in_domain: dict[str, Any] | None
) -> dict[str, Any]:
    """Scores over all rows and per source on ``types``, with the in-domain split on the same types."""
    gold = [row[TAG_COLUMNS[task]] for row in rows]
    scores = _scores(gold, predicted, types)
    sources = sorted({row["source"] for row in rows})
    by_source = {}
    for source in sources:
        keep = [i for i, row in enumerate(rows) if row["source"] == source]
        by_source[source] = _scores([gold[i] for i in keep], [predicted[i] for i in keep], types)
    scores.update(sentences=len(rows), shared_types=types, sources=sources, by_source=by_source)
    if in_domain is not None:
        scores["in_domain"] = {
            **_scores(in_domain["gold"], in_domain["predicted"], types),
            "split": in_domain["split"],
            "sentences": len(in_domain["gold"]),
            "sources": in_domain["sources"],
        }
    return scores


def in_domain_predictions(config: RunConfig, split: str, model, tokenizer) -> tuple[dict[str, Any] | None, str | None]:
    """Gold and predicted tags of the model's own ``split``, or None and why it is not scored (its dataset
    is not there, or the split has no sentence of the task)."""
    task = config.train.task
    try:
        part = task_splits(DatasetDict({split: load_prepared(config)[split]}), task)[split]
    except DataError as error:
        return None, str(error)
    if len(part) == 0:
        return None, f"no '{task}' sentences in that split"
    return {
        "split": split,
        "sources": sorted(set(part["source"])),
        "gold": tag_names(part[TAG_COLUMNS[task]], part.features[TAG_COLUMNS[task]].feature.names),
        "predicted": predict_split(part, model, tokenizer, config.train.eval_batch_size),
    }, None


@dataclass
class CrossDomain:
    """A model scored on other corpora: ``corpora`` maps each data config's name (its file name) to
    :func:`score_corpus` with its ``config`` file, in the order given; ``in_domain_skipped`` says why the
    in-domain ``split`` was not scored beside them (None when it was)."""

    task: str
    split: str
    corpora: dict[str, dict[str, Any]] = field(default_factory=dict)
    in_domain_skipped: str | None = None


def evaluate_cross_domain(model_dir: Path, data_configs: list[str], split: str = "test") -> CrossDomain:
    """Score the model in ``model_dir`` on the sources of each data config."""
    model_dir = Path(model_dir)
    config = load_config(model_dir / "run_config.yaml")
    task = config.train.task
    tokenizer, model = load_trained(model_dir, task)
    model_labels = {label[2:] for label in model.config.id2label.values() if label != "O"}
    corpora = []
    for config_file in data_configs:
        corpus_config = load_config(config_file)
        types = shared_types(corpus_config, config_file, task, model_labels)
        corpora.append((Path(config_file).stem, config_file, types, corpus_rows(corpus_config, config_file, task)))
    in_domain, skipped = in_domain_predictions(config, split, model, tokenizer)
    result = CrossDomain(task, split, in_domain_skipped=skipped)
    for name, config_file, types, rows in corpora:
        tokens = [row["tokens"] for row in rows]
        predicted = predict_words(model, tokenizer, tokens, batch_size=config.train.eval_batch_size, progress=len(rows) > 2000)
        scores = score_corpus(rows, [[label for label, _ in s] for s in predicted], task, types, in_domain)
        result.corpora[name] = {**scores, "config": config_file}
    return result
