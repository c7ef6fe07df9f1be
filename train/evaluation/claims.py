"""Claims evaluation on the gold articles: the rule tagger against trained claims models.

Three measures per system, on the articles of one split whose sources annotate claims by hand
(``role: gold``; not silver or augmented): seqeval strict F1 per label over the sentences; record accuracy, the share of gold
``QTY`` spans found with exactly the right value and bounds (``value``, ``lower``, ``upper`` and their
inclusiveness, as the hand-written ``record`` of each gold span says), overall and for the vague and
approximate subsets; and the claim-level figures (``"claim"``: :mod:`train.evaluation.claimmetric`, span,
values, links and complete claims, per kind, with bootstrap intervals over articles; links are scored on
the articles whose gold names them, :func:`linked_articles`). ``normalizer`` scores the normalizer alone
on the gold spans.

Each model is scored as ``tag`` uses it, its ``QTY`` spans that read as no number dropped
(:func:`train.claims.linking.read_claims`) and its links made by its learned linker when it has one
(:mod:`train.inference.linker`; then also with the rule linker, ``<model dir> (rule linker)``), and on its
raw spans with the rule linker (``<model dir> (raw spans)``). When the
split has several gold sources (the seed, the test articles, the blind test articles), every source is
also scored alone. :func:`evaluate_claims` returns the results (the JSON that the ``evaluate`` step,
:mod:`train.steps`, stores as ``claims_eval_<split>.json`` in every model folder); the tables are
:func:`train.reporting.text.claims_comparison` and :func:`train.reporting.text.claim_metric_table`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from train.claims.linking import claim_records
from train.claims.rules import find_claims
from train.config import RunConfig, SourceConfig
from train.data.articles import Article
from train.data.readers import read_source, source_files
from train.data.readers.jsonl import read_json_lines
from train.data.spans import Span, spans_to_bio
from train.evaluation.claimmetric import ArticleClaims, Bootstrap, claim_scores, has_links, same_record
from train.evaluation.metrics import compute_seqeval

if TYPE_CHECKING:
    from train.inference.tagger import Document, ModelTagger

BOOTSTRAP = Bootstrap()  # 1000 resamples, seed 13


def gold_sources(config: RunConfig, split: str) -> list[SourceConfig]:
    return [
        s for s in config.data.sources if "claims" in s.layers and s.split == split and s.role == "gold" and s.format != "conll"
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


def linked_articles(articles: list[Article], records: dict) -> set[str]:
    """The ids of ``articles`` (of one source) whose gold names its links: every gold ``QTY`` record of the
    article carries the link keys, in a source where some record does (an article with no claim is then
    linked too). Until the gold is linked, none is, and link figures are not scored."""
    if not any(has_links(record) for record in records.values()):
        return set()
    return {a.id for a in articles if all(has_links(records.get((a.id, s.start, s.end))) for s in _gold_qty(a))}


def _gold_qty(article: Article) -> list[Span]:
    return [s for s in article.spans if s.layer == "claims" and s.label == "QTY"]


def record_accuracy(articles: list[Article], predicted: list[list[Span]], records: dict) -> dict:
    """Share of gold QTY records whose span was predicted exactly and whose record, as ``tag`` writes it
    (:func:`train.claims.linking.claim_records`), has the gold values."""
    return _accuracy(articles, [claim_records(a.text, spans) for a, spans in zip(articles, predicted)], records)


def _accuracy(articles: list[Article], claims: list[list[dict]], records: dict) -> dict:
    """:func:`record_accuracy` of each article's claim records."""
    got = {(article.id, r["start"], r["end"]): r for article, mine in zip(articles, claims) for r in mine}
    subsets = {"all": lambda r: True, "vague": lambda r: r["vague"], "approx": lambda r: r["approx"]}
    result = {}
    for name, keep in subsets.items():
        chosen = [(key, r) for key, r in records.items() if keep(r)]
        right = sum(key in got and same_record(r, got[key]) for key, r in chosen)
        result[name] = {"correct": right, "total": len(chosen), "accuracy": right / len(chosen) if chosen else 0.0}
    return result


def score(
    articles: list[Article],
    predicted: list[list[Span]],
    records: dict,
    linked: set[str],
    bootstrap: Bootstrap,
    claims: list[list[dict]] | None = None,
) -> dict:
    """seqeval per label, record accuracy, and the claim-level figures (:mod:`train.evaluation.claimmetric`) of the
    ``predicted`` spans and their ``claims`` records (default: the rule linker's,
    :func:`train.claims.linking.claim_records`)."""
    if claims is None:
        claims = [claim_records(article.text, spans) for article, spans in zip(articles, predicted)]
    gold_tags, predicted_tags = [], []
    for article, spans in zip(articles, predicted):
        gold = [s for s in article.spans if s.layer == "claims"]
        for sentence in article.sentences:
            for tags, chosen in ((gold_tags, gold), (predicted_tags, spans)):
                tags.append(spans_to_bio(sentence.tokens, [s for s in chosen if sentence.start <= s.start < sentence.end]))
    gold_claims = [{(s.start, s.end): records.get((a.id, s.start, s.end)) for s in _gold_qty(a)} for a in articles]
    scored = [ArticleClaims.of(gold, got, a.id in linked) for a, gold, got in zip(articles, gold_claims, claims)]
    return {
        "seqeval": compute_seqeval(gold_tags, predicted_tags),
        "records": _accuracy(articles, claims, records),
        "claim": claim_scores(scored, *bootstrap).to_dict(),
    }


def evaluate_claims(model_dirs: list[Path], config: RunConfig, split: str = "test", bootstrap: Bootstrap = BOOTSTRAP) -> dict:
    """``{"rules": ..., "<model dir>": ..., "normalizer": ...}`` on the gold articles of ``split``; when
    the split has several gold sources, the same scores for each of them under ``"sources"``. The claim
    figures carry ``bootstrap`` intervals (``Bootstrap(0)``: none)."""
    from train.inference.tagger import Document, ModelTagger

    articles: list[Article] = []
    records: dict = {}
    linked: set[str] = set()
    for source in gold_sources(config, split):
        read, recorded = read_source(config, source), gold_records(config, source)
        articles += read
        records.update(recorded)
        linked |= linked_articles(read, recorded)
    rules = [find_claims(a.text) for a in articles]
    systems = {"rules": (rules, [claim_records(a.text, spans) for a, spans in zip(articles, rules)])}
    documents = [Document(a.id, a.text, a.source, a.sentences) for a in articles]
    for model_dir in model_dirs:
        systems.update(_model_systems(ModelTagger(model_dir, config.train.eval_batch_size, "claims"), documents))
    results = _scores(articles, systems, records, linked, bootstrap)
    names = list(dict.fromkeys(a.source for a in articles))
    if len(names) > 1:
        results["sources"] = {
            name: _scores(articles, systems, records, linked, bootstrap, [i for i, a in enumerate(articles) if a.source == name])
            for name in names
        }
    return results


def _model_systems(tagger: ModelTagger, documents: list[Document]) -> dict[str, tuple[list[list[Span]], list[list[dict]]]]:
    """A claims model's systems, each as (spans, records) per document: as ``tag`` uses it (its readable spans,
    linked by its learned linker when it has one, :func:`train.inference.linker.relink`), then with the rule
    linker (``(rule linker)``, only when it has a learned one), and its raw spans with the rule linker."""
    from train.inference.tagger import document_records

    found, vectors = tagger.spans_and_vectors(documents, vectors=tagger.linker is not None)
    raw = [[span for span, _ in spans] for spans in found]
    linked = [document_records(d, spans) for d, spans in zip(documents, raw)]
    readable, ruled = [spans for spans, _ in linked], [records for _, records in linked]
    name = tagger.name
    systems = {name: (readable, ruled)}
    if vectors is not None:
        learned = [document_records(d, spans, tagger.linker, mine)[1] for d, spans, mine in zip(documents, raw, vectors)]
        systems = {name: (readable, learned), f"{name} (rule linker)": (readable, ruled)}
    systems[f"{name} (raw spans)"] = (raw, [claim_records(d.text, spans) for d, spans in zip(documents, raw)])
    return systems


def _scores(
    articles: list[Article], systems: dict, records: dict, linked: set[str], bootstrap: Bootstrap, chosen: list[int] | None = None
) -> dict:
    """Every system's :func:`score` on the articles at the indices ``chosen`` (all by default)."""
    chosen = list(range(len(articles))) if chosen is None else chosen
    mine = [articles[i] for i in chosen]
    ids = {a.id for a in mine}
    kept = {key: record for key, record in records.items() if key[0] in ids}
    results = {"articles": len(mine), "gold_qty": len(kept)}
    for name, (predicted, claims) in systems.items():
        results[name] = score(mine, [predicted[i] for i in chosen], kept, linked, bootstrap, [claims[i] for i in chosen])
    results["normalizer"] = record_accuracy(mine, [[s for s in a.spans if s.layer == "claims"] for a in mine], kept)
    return results
