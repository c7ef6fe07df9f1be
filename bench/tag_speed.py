"""``tag`` speed on the CPU: articles per second of :class:`train.inference.tagger.Tagger` with the rule tagger
alone and with a claims model (as ``tag`` runs it, with the model's learned linker when its folder has one),
on the same ant-news articles, median of ``--repeats`` runs after one warm-up call.

Run it in the checkout whose code it measures; to measure an older commit on the same machine and articles
(the issue #21 target: ``tag`` no more than 10% slower after the linker), run a copy of this file there::

    .venv/bin/python -m bench.tag_speed --model runs/claims-final-s1/model --articles 100 --label after
    git worktree add /tmp/before f115a12 && cp bench/tag_speed.py /tmp/before/bench/
    (cd /tmp/before && PYTHONPATH=. $OLDPWD/.venv/bin/python -m bench.tag_speed --label before --articles 100 \
        --model $OLDPWD/runs/claims-final-s1/model --corpus $OLDPWD/../shared/data/ant-news)
    cp /tmp/before/bench/out/tag_speed-before.json bench/out/ && .venv/bin/python -m bench.tag_speed --compare before after

Each run writes ``bench/out/tag_speed-<label>.json``; ``--compare`` prints the table of the runs named.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

import torch

from bench.common import OUT, device_info, median, table, write_json

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ant-news"


def articles(corpus: Path, count: int, skip: int) -> list[str]:
    """The texts of ``count`` ant-news articles after the first ``skip`` (sorted files, file order)."""
    texts = []
    for path in sorted(corpus.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts[skip : skip + count]


def measure(tagger, texts: list[str], repeats: int) -> dict:
    tagger(texts[:2])  # warm-up: lazy imports, first allocations
    seconds = []
    for _ in range(repeats):
        begin = time.perf_counter()
        tagger(texts)
        seconds.append(time.perf_counter() - begin)
    typical = median(seconds)
    return {"seconds": seconds, "articles_per_s": len(texts) / typical, "ms_per_article": 1000 * typical / len(texts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="a claims model folder (written by fit)")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--skip", type=int, default=1000, help="start this far into the corpus (away from the gold articles)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--label", default="current")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--compare", nargs="+", metavar="LABEL", help="print the table of earlier runs and exit")
    args = parser.parse_args()
    if args.compare:
        runs = [json.loads((OUT / f"tag_speed-{label}.json").read_text()) for label in args.compare]
        rows = [
            [run["label"], run["commit"], system, f"{result['articles_per_s']:.1f}", f"{result['ms_per_article']:.1f}"]
            for run in runs
            for system, result in run["systems"].items()
        ]
        print(table(["label", "commit", "system", "articles/s", "ms/article"], rows))
        return
    from train.inference.tagger import Tagger

    texts = articles(args.corpus, args.articles, args.skip)
    systems = {"rules": measure(Tagger(), texts, args.repeats)}
    if args.model:
        systems["model"] = measure(Tagger(claims=args.model), texts, args.repeats)
    import train

    checkout = Path(train.__file__).resolve().parent.parent
    git = ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, capture_output=True, text=True).stdout.strip()
    payload = {
        "label": args.label,
        "commit": commit,
        "checkout": str(checkout),
        "articles": len(texts),
        "model": args.model,
        "torch_threads": torch.get_num_threads(),
        "device": device_info(),
        "systems": systems,
    }
    print(f"{args.label} ({commit}): " + ", ".join(f"{k} {v['articles_per_s']:.1f} articles/s" for k, v in systems.items()))
    print(write_json(f"tag_speed-{args.label}.json", payload))


if __name__ == "__main__":
    main()
