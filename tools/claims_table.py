"""The README's claims table: the rule tagger against a claims model trained with several seeds, on one gold
source of a split and on the whole split, every claim figure of issue #21 item 3 plus the ENT and TIME span F1.

Reads the ``claims_eval_<split>.json`` that ``python -m train evaluate MODEL_DIR --split <split>`` wrote in
each model folder (one folder per seed; run ``evaluate`` on each). The rules' cells carry their bootstrap
95% interval over articles (the rules are deterministic: the same in every file); a model's cell is the mean
over the seeds with the spread (min-max) and, in brackets, the mean of the seeds' bootstrap bounds::

    python tools/claims_table.py runs/claims-mini-s1/model runs/claims-mini-s2/model runs/claims-mini-s3/model \\
        --source claims-gold-blind2 [--split test] [--kinds]
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from train.reporting.cardclaims import own_key
from train.reporting.tables import markdown_table
from train.reporting.text import CLAIM_COLUMNS, figure_cell

SPAN_COLUMNS = {"ENT F1": "ENT", "TIME F1": "TIME"}  # seqeval strict F1 of the span labels


def _scope(results: dict, source: str | None) -> dict:
    if source is None:
        return results
    if source not in results.get("sources", {}):
        known = ", ".join(results.get("sources", {})) or "none: the split has one gold source"
        raise SystemExit(f"--source {source}: not a gold source of the split (its sources: {known})")
    return results["sources"][source]


def _figures(system: dict, kind: str) -> dict[str, dict]:
    """``{column: {"value", "low", "high"}}`` of one system in one scope."""
    per_type = system["seqeval"]["strict"]["per_type"]
    figures = {name: system["claim"]["figures"][kind][key] for name, key in CLAIM_COLUMNS.items()}
    if kind == "all":
        figures |= {
            name: {"value": per_type.get(label, {}).get("f1", 0.0), "low": None, "high": None}
            for name, label in SPAN_COLUMNS.items()
        }
    return figures


def _mean_cell(figures: list[dict]) -> str:
    values = [f["value"] for f in figures if f["value"] is not None]
    if not values:
        return "n/a"
    mean = 100 * statistics.fmean(values)
    spread = f" ({100 * min(values):.1f}-{100 * max(values):.1f})" if len(values) > 1 else ""
    lows = [f["low"] for f in figures if f["low"] is not None]
    highs = [f["high"] for f in figures if f["high"] is not None]
    interval = f" [{100 * statistics.fmean(lows):.1f}, {100 * statistics.fmean(highs):.1f}]" if lows and highs else ""
    return f"{mean:.1f}{spread}{interval}"


def rows(runs: dict[str, dict], source: str | None, kind: str = "all") -> tuple[list[str], list[list[str]]]:
    """The header and the two rows (rules, model over the seeds) of one scope and kind."""
    scopes = {model: _scope(results, source) for model, results in runs.items()}
    first = next(iter(scopes.values()))
    rules = _figures(first["rules"], kind)
    models = [_figures(scope[model], kind) for model, scope in scopes.items()]
    columns = list(rules)
    articles = f"{first['articles']} articles, {first['gold_qty']} QTY"
    return (
        ["system", *columns],
        [
            [f"rules ({articles})", *(figure_cell(rules[c]) for c in columns)],
            [f"model, {len(models)} seeds", *(_mean_cell([m[c] for m in models]) for c in columns)],
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help="model folders (one per seed) holding claims_eval_<split>.json")
    parser.add_argument("--split", default="test")
    parser.add_argument("--source", action="append", default=[], help="a gold source of the split to show alone (repeatable)")
    parser.add_argument("--kinds", action="store_true", help="also the figures per kind (count, money, percent, measure)")
    args = parser.parse_args()
    runs = {}
    for folder in args.models:
        path = folder / f"claims_eval_{args.split}.json"
        results = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if (model := own_key(results, folder)) is None:
            raise SystemExit(f"{path}: no scores of {folder}; run python -m train evaluate {folder} --split {args.split}")
        runs[model] = results
    for source in [*args.source, None]:
        kinds = ["all", "count", "money", "percent", "measure"] if args.kinds else ["all"]
        for kind in kinds:
            header, body = rows(runs, source, kind)
            print(f"\n{source or f'whole {args.split} split'}, {kind}:\n")
            print(markdown_table(header, body))


if __name__ == "__main__":
    main()
