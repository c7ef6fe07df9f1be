"""Results as text for the terminal: seqeval scores, calibration, an evaluated split, the cross-domain
comparison, the claims comparison of the rules and the models (per label and claim level), ``tag``'s
claims table and the dataset counts. Every table goes through :mod:`train.reporting.tables`; the steps
(:mod:`train.steps`) print."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from train.reporting.tables import text_table

if TYPE_CHECKING:  # the command line imports this module: no datasets or transformers at its start
    from train.data.dataset import Counts
    from train.evaluation.crossdomain import CrossDomain
    from train.evaluation.evaluate import SplitEvaluation

SCORE_HEADER = ("type", "precision", "recall", "f1", "support")


def score_rows(metrics: Mapping[str, Any]) -> tuple[list[list[str]], list[list[str]]]:
    """Formatted rows of a ``compute_seqeval`` result: strict per type, then the strict and conlleval micro rows.

    Support is the number of reference entities (summed over types for the micro rows; conlleval can
    count more, since it accepts chunks opened by a stray ``I-``).
    """

    from train.evaluation.metrics import MODES

    def cells(name: str, scores: Mapping[str, Any], support: int) -> list[str]:
        return [name, f"{scores['precision']:.4f}", f"{scores['recall']:.4f}", f"{scores['f1']:.4f}", str(support)]

    per_type = [cells(name, s, s["support"]) for name, s in metrics["strict"]["per_type"].items()]
    micro = [
        cells(f"micro ({mode})", metrics[mode], sum(s["support"] for s in metrics[mode]["per_type"].values())) for mode in MODES
    ]
    return per_type, micro


def format_table(metrics: Mapping[str, Any]) -> str:
    """Plain-text table of a ``compute_seqeval`` result: strict scores per type, both micro averages, accuracy."""
    per_type, micro = score_rows(metrics)
    table = text_table(SCORE_HEADER, per_type + micro, align="<>", groups=[len(per_type)] if per_type else [])
    return f"{table}\ntoken accuracy: {metrics['accuracy']:.4f}\n"


def calibration_line(result: Mapping[str, Mapping[str, Any]]) -> str:
    """One line of a :func:`train.evaluation.calibration.calibration` result: the ECE of words and of spans."""
    parts = [f"{view} {result[view]['ece']:.4f} ({result[view]['count']:,})" for view in ("words", "spans")]
    return "expected calibration error: " + ", ".join(parts)


def split_report(evaluation: SplitEvaluation) -> str:
    """What the ``fit`` and ``evaluate`` steps print of an evaluated split."""
    task, split = evaluation.task, evaluation.split
    if evaluation.scores is None:
        return f"\n{task} / {split}: no sentences annotated in the '{task}' layer in this split; nothing to evaluate"
    return "\n".join(
        [
            f"\n{task} / {split}: {evaluation.sentences} sentences\n{format_table(evaluation.scores)}",
            calibration_line(evaluation.scores["calibration"]),
            f"{len(evaluation.errors)} sentences with a wrong label: errors_{split}.jsonl in the model folder "
            "(gold and predicted)",
        ]
    )


def comparison_table(name: str, scores: Mapping[str, Any]) -> str:
    """Strict micro P/R/F1, per-type F1 and counts of a corpus beside the in-domain split, on the shared types."""
    columns = [scores["in_domain"], scores] if "in_domain" in scores else [scores]
    header = ([f"in-domain {scores['in_domain']['split']}"] if "in_domain" in scores else []) + [name]

    def entities(result: Mapping[str, Any]) -> int:
        return sum(row["support"] for row in result["strict"]["per_type"].values())

    rows = [[key, *(f"{c['strict'][key]:.4f}" for c in columns)] for key in ("precision", "recall", "f1")]
    rows += [
        [
            f"{label} f1",
            *(f"{c['strict']['per_type'][label]['f1']:.4f}" if label in c["strict"]["per_type"] else "-" for c in columns),
        ]
        for label in scores["shared_types"]
    ]
    rows += [["entities", *(f"{entities(c):,}" for c in columns)], ["sentences", *(f"{c['sentences']:,}" for c in columns)]]
    return text_table(["", *header], rows, align="<>", rule=None)


def cross_domain_report(result: CrossDomain) -> str:
    """What ``evaluate --data`` prints: why the in-domain split was not scored, if so, then each corpus."""
    lines = []
    if result.in_domain_skipped is not None:
        lines.append(f"in-domain {result.split} not scored on the shared types: {result.in_domain_skipped}")
    for name, scores in result.corpora.items():
        types = ", ".join(scores["shared_types"])
        lines.append(f"\n{result.task} / {name} ({scores['config']}): strict seqeval on the shared types {types}")
        lines.append(comparison_table(name, scores))
    return "\n".join(lines)


def _accuracy(records: Mapping[str, Any], subset: str) -> str:
    part = records[subset]
    return f"{100 * part['accuracy']:.1f} ({part['correct']}/{part['total']})"


def _systems(results: Mapping[str, Any]) -> list[str]:
    return [k for k in results if k not in ("articles", "gold_qty", "normalizer", "sources")]


def claims_comparison(results: Mapping[str, Any]) -> str:
    """Systems as rows: strict F1 per label, micro F1, record accuracy (all, vague, approx)."""
    systems = _systems(results)
    header = ["system", "QTY F1", "ENT F1", "TIME F1", "micro F1", "records", "vague", "approx"]
    subsets = ("all", "vague", "approx")
    rows = []
    for name in systems:
        strict = results[name]["seqeval"]["strict"]
        per_type = strict["per_type"]
        rows.append(
            [name]
            + [f"{100 * per_type.get(label, {}).get('f1', 0.0):.1f}" for label in ("QTY", "ENT", "TIME")]
            + [f"{100 * strict['f1']:.1f}"]
            + [_accuracy(results[name]["records"], k) for k in subsets]
        )
    rows.append(["normalizer on gold spans", "", "", "", ""] + [_accuracy(results["normalizer"], k) for k in subsets])
    return text_table(header, rows, sep=" | ", rule="-+-")


CLAIM_COLUMNS = {
    "QTY F1": "qty_f1",
    "values": "values",
    "ENT exact": "entity_exact",
    "ENT overlap": "entity_overlap",
    "TIME exact": "time_exact",
    "TIME overlap": "time_overlap",
    "claim F1": "claim_f1",
}


def figure_cell(figure: Mapping[str, Any]) -> str:
    """A figure in percent with its bootstrap interval, ``n/a`` when there was nothing to score."""
    if figure["value"] is None:
        return "n/a"
    interval = "" if figure["low"] is None else f" [{100 * figure['low']:.1f}, {100 * figure['high']:.1f}]"
    return f"{100 * figure['value']:.1f}{interval}"


def claim_metric_table(results: Mapping[str, Any], kinds: bool = True) -> str:
    """The claim-level figures (:mod:`train.evaluation.claimmetric`) of every system, for all claims and,
    with ``kinds``, for each kind that either side has; a line above says how they were drawn."""
    systems = _systems(results)
    first = results[systems[0]]["claim"]
    rows, groups = [], []
    for name in systems:
        claim = results[name]["claim"]
        groups.append(len(rows))
        for group, figures in claim["figures"].items():
            counts = claim["counts"][group]
            if group != "all" and not (kinds and counts["qty_gold"] + counts["qty_predicted"]):
                continue
            cells = [figure_cell(figures[key]) for key in CLAIM_COLUMNS.values()]
            rows.append([name if group == "all" else "", group, str(counts["qty_gold"]), *cells])
    links = f"links scored on {first['linked_articles']} of {first['articles']} articles (those whose gold names them)"
    drawn = (
        f"[95% bootstrap interval over articles, {first['resamples']} resamples, seed {first['seed']}]"
        if first["resamples"]
        else "no bootstrap intervals"
    )
    header = ["system", "kind", "gold", *CLAIM_COLUMNS]
    return f"claim level: {links}; {drawn}\n" + text_table(header, rows, sep=" | ", rule="-+-", groups=groups[1:])


def claims_report(results: Mapping[str, Any], split: str, first_model: str) -> str:
    """What ``evaluate`` prints of the claims comparison (:func:`train.evaluation.claims.evaluate_claims`)."""
    if not results["articles"]:
        return f"\nno hand-annotated claims articles in the {split} split of {first_model}'s data: no claims comparison"
    lines = [
        f"\nclaims on the gold {split} articles ({results['articles']} articles, {results['gold_qty']} gold QTY records)",
        claims_comparison(results),
        claim_metric_table(results),
    ]
    for name, part in results.get("sources", {}).items():
        lines.append(f"\n  of which source {name} ({part['articles']} articles, {part['gold_qty']} gold QTY records)")
        lines += [claims_comparison(part), claim_metric_table(part, kinds=False)]
    return "\n".join(lines)


def _number(value: float) -> str:
    """700000000 as 700,000,000 and 2.5 as 2.5 (never 7e+08)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.10g}"


def _range(record: Mapping[str, Any]) -> str:
    if record["lower"] is None and record["upper"] is None:
        return ""
    left = "[" if record["lower_inclusive"] else "("
    right = "]" if record["upper_inclusive"] else ")"
    lower = "" if record["lower"] is None else _number(record["lower"])
    upper = "" if record["upper"] is None else _number(record["upper"])
    return f"{left if lower else '('}{lower}, {upper}{right if upper else ')'}"


def claims_table(records: list[dict]) -> str:
    """The claims of every article of ``tag``'s records as an aligned plain-text table."""
    header = ["article", "quantity", "value", "bounds", "flags", "kind", "unit", "entity", "time"]
    rows = []
    for article in records:
        for claim in article["claims"]:
            flags = ",".join(f for f in ("approx", "vague") if claim.get(f))
            value = "" if claim["value"] is None else _number(claim["value"])
            unit = claim.get("currency") or claim.get("unit") or ""
            cells = [article["id"], claim["text"], value, _range(claim), flags, claim["kind"] or "?", unit]
            rows.append([str(cell) for cell in [*cells, claim.get("entity") or "", claim.get("time") or ""]])
    return text_table(header, rows)


def count_keys(counts: Counts) -> list[str]:
    """The rows of a counts table: sizes first, then ``layer/label`` entity counts."""
    return ["articles", "sentences", "tokens"] + sorted({k for c in counts.values() for k in c if "/" in k})


def counts_table(counts: Counts) -> str:
    """The dataset's sizes and entity counts per split (``data`` prints it)."""
    rows = [[k, *(f"{counts[s].get(k, 0):,}" for s in counts)] for k in count_keys(counts)]
    return text_table(["", *counts], rows, align="<>", rule=None, least=[0, *(10 for _ in counts)])
