"""Agreement between two annotation passes (issue #21): span F1 per label, link and complete-claim agreement.

    python tools/agreement.py data/gold/claims-blind2.jsonl data/gold/second-pass/claims-blind2-pass2.jsonl [--resamples 1000]

Prints one table (the rows of :func:`train.evaluation.agreement.agreement`) and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from train.errors import DataError  # noqa: E402
from train.evaluation.agreement import agreement, read_pass  # noqa: E402
from train.reporting.tables import text_table  # noqa: E402
from train.reporting.text import figure_cell  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples over articles (0: none)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    try:
        result = agreement(read_pass(args.first), read_pass(args.second), args.resamples, args.seed)
    except DataError as error:  # a file missing, malformed or in another encoding: one line naming it
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{result.articles} articles annotated in both passes")
    rows = [
        [label, str(s["first"]), str(s["second"]), str(s["both"]), f"{100 * s['f1']:.1f}"] for label, s in result.spans.items()
    ]
    print(text_table(["label", "first pass", "second pass", "same spans", "span F1"], rows))
    figures = result.claims.figures["all"]
    names = ["values", "entity_exact", "entity_overlap", "time_exact", "time_overlap", "claim_f1"]
    print(text_table(["on shared QTY spans", *names], [["agreement", *(figure_cell(asdict(figures[n])) for n in names)]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
