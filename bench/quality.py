"""Quality and time to quality: the mini BERT on ANERcorp, the project's recipe against the baseline.

    python -m bench.quality [--seeds 0 1 2] [--epochs 3]        (make bench-quality)

For every seed: the baseline (``bench.baseline``: run_ner.py defaults, Trainer, batch 8, lr 5e-5) and
the project's fast recipe (the ``train`` settings of configs/mini.yaml with
``bench.anercorp.FAST_RECIPE``: ``train.engine=fast``, ``train.fast.dropout=0``; keep-best on validation),
the same base model, data and number of epochs. Reported:
test entity F1 (seqeval strict and conlleval) of each, mean and spread over seeds, training time, and
the project's time to reach the baseline's mean final test F1 (test F1 is recorded at
``--evaluations-per-epoch`` points; evaluation time is not counted as training time).
Needs the prepared dataset: ``python -m train data configs/mini.yaml``. Writes bench/out/quality.json.
"""

from __future__ import annotations

import argparse
import json

from bench.anercorp import CONFIG, FAST_RECIPE, encode, load_model, load_splits
from bench.baseline import RUN_NER_DEFAULTS, train_baseline
from bench.common import OUT, device_info, show_quality, summarize_quality, write_json
from train.data.labels import tag_names
from train.evaluation.evaluate import predict_split
from train.evaluation.metrics import compute_seqeval
from train.training.fast import train_model
from train.training.fast_engine import engine_settings


def test_scores(model, tokenizer, split: dict, names: list[str], batch_size: int) -> dict:
    scores = compute_seqeval(tag_names(split["tags"], names), predict_split(split, model, tokenizer, batch_size))
    return {"strict_f1": scores["strict"]["f1"], "conlleval_f1": scores["conlleval"]["f1"]}


def merge(paths: list[str], out: str) -> None:
    """``--merge``: one report from several runs of this benchmark (e.g. seeds run at different times)."""
    reports = [json.loads((OUT / p).read_text()) for p in paths]
    runs = [run for report in reports for run in report["runs"]]
    summary = summarize_quality(runs)
    write_json(out, {**reports[0], "merged_from": paths, "runs": runs, "summary": summary})
    show_quality(summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=CONFIG)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--evaluations-per-epoch", type=int, default=4)
    parser.add_argument("--out", default="quality.json")
    parser.add_argument("overrides", nargs="*", help="train.key=value for the project's recipe")
    parser.add_argument("--recipes", nargs="+", choices=["baseline", "project"], default=["baseline", "project"])
    parser.add_argument("--merge", nargs="+", metavar="JSON", help="files under bench/out/ to merge into --out (no training)")
    args = parser.parse_args()
    if args.merge:
        return merge(args.merge, args.out)

    config, splits, names = load_splits(args.config, [f"train.epochs={args.epochs}", *FAST_RECIPE, *args.overrides])
    settings = engine_settings(config.train)
    runs: list[dict] = []
    report = {
        "benchmark": "quality",
        "device": device_info(),
        "config": args.config,
        "epochs": args.epochs,
        "baseline_recipe": {
            **RUN_NER_DEFAULTS,
            "num_train_epochs": args.epochs,
            "trainer": True,
            "fp32": True,
            "group_by_length": False,
        },
        "project_recipe": {k: getattr(settings, k) for k in settings.__dataclass_fields__},
        "runs": runs,
    }

    def save(summary: dict | None = None) -> None:
        write_json(args.out, {**report, **({"summary": summary} if summary else {})})

    for seed in args.seeds:
        tokenizer, model = load_model(config, names, seed)
        ids, labels = encode(tokenizer, splits["train"])
        if "baseline" in args.recipes:
            result = train_baseline(model, tokenizer, ids, labels, epochs=args.epochs, seed=seed)
            scores = test_scores(result["model"], tokenizer, splits["test"], names, config.train.eval_batch_size)
            runs.append(
                {
                    "recipe": "baseline",
                    "seed": seed,
                    "train_seconds": result["train_seconds"],
                    "steps": result["steps"],
                    "real_tokens": result["real_tokens"],
                    **scores,
                }
            )
            print(f"baseline seed {seed}: {scores} in {result['train_seconds']:.0f}s", flush=True)
            save()
        if "project" not in args.recipes:
            continue

        tokenizer, model = load_model(config, names, seed)
        settings.seed = seed
        settings.evaluations_per_epoch = args.evaluations_per_epoch

        def evaluate(model, info: dict, tokenizer=tokenizer, seed=seed) -> float:
            dev = test_scores(model, tokenizer, splits["validation"], names, config.train.eval_batch_size)
            info["test"] = test_scores(model, tokenizer, splits["test"], names, config.train.eval_batch_size)
            info["validation"] = dev
            print(
                f"  project seed {seed} epoch {info['epoch']}: {info['train_seconds']:.0f}s dev {dev} test {info['test']}",
                flush=True,
            )
            return dev["strict_f1"]

        outcome = train_model(model, ids, labels, settings, pad_id=tokenizer.pad_token_id, on_evaluate=evaluate)
        scores = test_scores(outcome.model, tokenizer, splits["test"], names, config.train.eval_batch_size)
        runs.append(
            {
                "recipe": "project",
                "seed": seed,
                "train_seconds": outcome.train_seconds,
                "steps": outcome.steps,
                "real_tokens": outcome.real_tokens,
                "history": outcome.history,
                **scores,
            }
        )
        print(f"project seed {seed}: {scores} in {outcome.train_seconds:.0f}s", flush=True)
        save()

    summary = summarize_quality(runs)
    save(summary)
    show_quality(summary)


if __name__ == "__main__":
    main()
