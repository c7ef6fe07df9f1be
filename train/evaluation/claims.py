"""Claims evaluation on the gold articles: the rule tagger against trained claims models.

Two measures per system, on the articles of one split whose sources annotate claims by hand (not
silver): seqeval strict F1 per label over the sentences, and record accuracy, the share of gold
``QTY`` spans found with exactly the right value and bounds (``value``, ``lower``, ``upper`` and their
inclusiveness, as the hand-written ``record`` of each gold span says), overall and for the vague and
approximate subsets. ``normalizer`` scores the normalizer alone on the gold spans.

Each model is scored as ``tag`` uses it, its ``QTY`` spans that read as no number dropped
(:func:`train.claims.linking.readable_claims`), and on its raw spans (``<model dir> (raw spans)``). When the
split has several gold sources (the seed, the test articles, the blind test articles), every source is
also scored alone. :func:`evaluate_claims` returns the results (the JSON that the ``evaluate`` step,
:mod:`train.steps`, stores as ``claims_eval_<split>.json`` in every model folder); the table is
:func:`train.reporting.text.claims_comparison`.
"""

from __future__ import annotations

from pathlib import Path

from train.claims.linking import claim_records, readable_claims
from train.claims.rules import find_claims
from train.config import RunConfig, SourceConfig
from train.data.articles import Article
from train.data.readers import read_source, source_files
from train.data.readers.jsonl import read_json_lines
from train.data.spans import Span, spans_to_bio
from train.evaluation.metrics import compute_seqeval

RECORD_FIELDS = ("value", "lower", "upper", "lower_inclusive", "upper_inclusive")
SILVER_MARK = "silver"


def gold_sources(config: RunConfig, split: str) -> list[SourceConfig]:
    return [
        s
        for s in config.data.sources
        if "claims" in s.layers and s.split == split and SILVER_MARK not in s.name and s.format != "conll"
    ]


def gold_records(config: RunConfig, source: SourceConfig) -> dict[tuple[str, int, int], dict]:
    """``{(doc id, start, end): record}`` for every gold QTY span that carries a ``record``."""
    records = {}
    for path in source_files(config, source.path, f"source '{source.name}'", source.obtain):
        for _, line in read_json_lines(path, source.encoding):
            for span in line.get("spans", []):
                if span.get("label") == "QTY" and "record" in span:
                    records[(line["id"], span["start"], span["end"])] = span["record"]
    return records


def same_record(expected: dict, got: dict) -> bool:
    def number(value):
        return None if value is None else round(float(value), 6)

    return all(
        number(expected[f]) == number(got[f]) if f in ("value", "lower", "upper") else bool(expected[f]) == bool(got[f])
        for f in RECORD_FIELDS
    )


def record_accuracy(articles: list[Article], predicted: list[list[Span]], records: dict) -> dict:
    """Share of gold QTY records whose span was predicted exactly and whose record, as ``tag`` writes it
    (:func:`train.claims.linking.claim_records`), has the gold values."""
    got = {
        (article.id, record["start"], record["end"]): record
        for article, spans in zip(articles, predicted)
        for record in claim_records(article.text, spans)
    }
    subsets = {"all": lambda r: True, "vague": lambda r: r["vague"], "approx": lambda r: r["approx"]}
    result = {}
    for name, keep in subsets.items():
        chosen = [(key, r) for key, r in records.items() if keep(r)]
        right = sum(key in got and same_record(r, got[key]) for key, r in chosen)
        result[name] = {"correct": right, "total": len(chosen), "accuracy": right / len(chosen) if chosen else 0.0}
    return result


def score(articles: list[Article], predicted: list[list[Span]], records: dict) -> dict:
    gold_tags, predicted_tags = [], []
    for article, spans in zip(articles, predicted):
        gold = [s for s in article.spans if s.layer == "claims"]
        for sentence in article.sentences:
            for tags, chosen in ((gold_tags, gold), (predicted_tags, spans)):
                tags.append(spans_to_bio(sentence.tokens, [s for s in chosen if sentence.start <= s.start < sentence.end]))
    return {"seqeval": compute_seqeval(gold_tags, predicted_tags), "records": record_accuracy(articles, predicted, records)}


def evaluate_claims(model_dirs: list[Path], config: RunConfig, split: str = "test") -> dict:
    """``{"rules": ..., "<model dir>": ..., "normalizer": ...}`` on the gold articles of ``split``; when
    the split has several gold sources, the same scores for each of them under ``"sources"``."""
    from train.inference.tagger import Document, ModelTagger

    articles: list[Article] = []
    records: dict = {}
    for source in gold_sources(config, split):
        articles += read_source(config, source)
        records.update(gold_records(config, source))
    systems = {"rules": [find_claims(a.text) for a in articles]}
    documents = [Document(a.id, a.text, a.source, a.sentences) for a in articles]
    for model_dir in model_dirs:
        tagger = ModelTagger(model_dir, config.train.eval_batch_size, "claims")
        predicted = [[span for span, _ in spans] for spans in tagger.spans(documents)]
        systems[str(model_dir)] = [readable_claims(a.text, spans) for a, spans in zip(articles, predicted)]
        systems[f"{model_dir} (raw spans)"] = predicted
    results = _scores(articles, systems, records)
    names = list(dict.fromkeys(a.source for a in articles))
    if len(names) > 1:
        results["sources"] = {
            name: _scores(articles, systems, records, [i for i, a in enumerate(articles) if a.source == name]) for name in names
        }
    return results


def _scores(articles: list[Article], systems: dict, records: dict, chosen: list[int] | None = None) -> dict:
    """Every system's :func:`score` on the articles at the indices ``chosen`` (all by default)."""
    chosen = list(range(len(articles))) if chosen is None else chosen
    mine = [articles[i] for i in chosen]
    ids = {a.id for a in mine}
    kept = {key: record for key, record in records.items() if key[0] in ids}
    results = {"articles": len(mine), "gold_qty": len(kept)}
    for name, predicted in systems.items():
        results[name] = score(mine, [predicted[i] for i in chosen], kept)
    results["normalizer"] = record_accuracy(mine, [[s for s in a.spans if s.layer == "claims"] for a in mine], kept)
    return results
