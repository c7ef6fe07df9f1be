"""The rule tagger's claim figures on one gold claims file (standoff JSONL of ant-news articles), as one JSON line:
every figure of :mod:`train.evaluation.claimmetric` with its bootstrap interval, and the seqeval span F1 per label.

It writes a minimal config naming only that file, so the same command scores the rules of another checkout
(an older commit, for a before/after on the same articles) through ``PYTHONPATH``::

    python tools/rules_claims.py data/gold/claims-blind2.jsonl
    git worktree add /tmp/before f115a12
    PYTHONPATH=/tmp/before python tools/rules_claims.py data/gold/claims-blind2.jsonl
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import yaml

from train.config import load_config
from train.evaluation.claims import evaluate_claims

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ant-news"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="a standoff JSONL file of gold claims (data/gold/claims-*.jsonl)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the folder of the ant-news JSONL files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = {
            "name": args.gold.stem,
            "format": "standoff",
            "path": str(args.gold.resolve()),
            "corpus": str(args.corpus.resolve() / "*.jsonl"),
            "split": "test",
            "layers": ["claims"],
        }
        config = Path(folder) / "gold.yaml"
        config.write_text(yaml.safe_dump({"data": {"output": str(Path(folder) / "data"), "sources": [source]}}))
        results = evaluate_claims([], load_config(config), "test")
    rules = results["rules"]
    figures = {
        name: [None if figure[key] is None else round(100 * figure[key], 1) for key in ("value", "low", "high")]
        for name, figure in rules["claim"]["figures"]["all"].items()
    }
    spans = {f"{label} F1": round(100 * scores["f1"], 1) for label, scores in rules["seqeval"]["strict"]["per_type"].items()}
    print(json.dumps({"articles": results["articles"], "gold_qty": results["gold_qty"], **figures, **spans}))


if __name__ == "__main__":
    main()
