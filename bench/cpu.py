"""The CPU benchmark set (``make bench``): training and inference throughput, data conversion.

    python -m bench.cpu [--train-windows 480] [--repeats 3] [--articles 40] [--silver-articles 200]

1. Training: the mini BERT (configs/mini.yaml) on the same sample of ANERcorp train windows, one pass
   each, the baseline (run_ner.py defaults, ``bench.baseline``) and the project's fast engine
   (``train.engine=fast`` with ``train.fast.dropout=0``: ``bench.anercorp.FAST_RECIPE``), interleaved, ``--repeats`` times:
   real (non-pad) sub-word tokens per second, wall time per full ANERcorp train epoch estimated from it,
   peak host memory (VmHWM, reset before each run).
2. Inference: ant-news sentences tagged by ``train.inference.predictor.predict_words`` (length-sorted batches)
   against ``pipeline("token-classification")`` called sentence by sentence; same model; the word
   labels of both are compared (identical outputs required).
3. Data conversion: the rule tagger over ``--silver-articles`` ant-news articles (``make silver``) and
   ``write_dataset`` (dataset and card) of configs/data.yaml with that silver file (``make data``), words per second.

Needs ``python -m train data configs/mini.yaml``. Prints tables; writes bench/out/cpu.json.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from itertools import islice
from pathlib import Path

import torch

from bench.anercorp import CONFIG, FAST_RECIPE, encode, load_model, load_splits
from bench.baseline import RUN_NER_DEFAULTS, train_baseline
from bench.common import device_info, median, peak_rss_mib, reset_peak_rss, table, write_json
from bench.inference import ant_sentences, compare_inference, format_inference
from train.claims.silver import silver_from_config
from train.config import load_config
from train.data.readers import source_files
from train.data.readers.standoff import corpus_articles
from train.data.text import tokenize
from train.steps import write_dataset
from train.training.fast import train_model
from train.training.fast_engine import engine_settings


def bench_training(args, config, splits, names) -> dict:
    tokenizer, _ = load_model(config, names, 0)
    ids, labels = encode(tokenizer, splits["train"])
    epoch_tokens = sum(len(i) for i in ids)
    sample = sorted(random.Random(0).sample(range(len(ids)), min(args.train_windows, len(ids))))
    ids, labels = [ids[i] for i in sample], [labels[i] for i in sample]
    settings = engine_settings(config.train)
    settings.epochs, settings.logging_steps = 1, 0
    runs = {"baseline": [], "project": []}
    for repeat in range(args.repeats):
        for recipe in ("baseline", "project"):
            _, model = load_model(config, names, repeat)
            reset_peak_rss()
            if recipe == "baseline":
                out = train_baseline(model, tokenizer, ids, labels, epochs=1, seed=repeat)
                seconds, tokens, steps = out["train_seconds"], out["real_tokens"], out["steps"]
            else:
                settings.seed = repeat
                out = train_model(model, ids, labels, settings, pad_id=tokenizer.pad_token_id)
                seconds, tokens, steps = out.train_seconds, out.real_tokens, out.steps
            runs[recipe].append(
                {
                    "seconds": seconds,
                    "real_tokens": tokens,
                    "steps": steps,
                    "tokens_per_second": tokens / seconds,
                    "peak_rss_mib": peak_rss_mib(),
                }
            )
            print(f"  train {recipe} repeat {repeat}: {tokens / seconds:,.0f} tok/s ({steps} steps, {seconds:.1f}s)", flush=True)
    result = {
        "sample_windows": len(ids),
        "sample_tokens": sum(len(i) for i in ids),
        "epoch_tokens": epoch_tokens,
        "project_settings": {k: getattr(settings, k) for k in settings.__dataclass_fields__},
        "baseline_settings": {**RUN_NER_DEFAULTS, "num_train_epochs": 1},
        "runs": runs,
    }
    for recipe in runs:
        tps = median([r["tokens_per_second"] for r in runs[recipe]])
        result[recipe] = {
            "tokens_per_second": tps,
            "epoch_seconds_estimate": epoch_tokens / tps,
            "peak_rss_mib": median([r["peak_rss_mib"] for r in runs[recipe]]),
        }
    result["ratio"] = result["project"]["tokens_per_second"] / result["baseline"]["tokens_per_second"]
    return result


def bench_inference(args, config, names) -> dict:
    tokenizer, model = load_model(config, names, 0)
    if args.model:
        from transformers import AutoModelForTokenClassification, PreTrainedTokenizerFast

        tokenizer = PreTrainedTokenizerFast.from_pretrained(args.model)
        model = AutoModelForTokenClassification.from_pretrained(args.model)
    sentences = ant_sentences(Path(config.data_root(), "ant-news"), args.articles, tokenizer)
    result = compare_inference(model, tokenizer, sentences, args.repeats)
    result["articles"] = args.articles
    result["model"] = args.model or f"{config.model.base} (classifier head initialised with seed 0)"
    return result


def bench_data(args) -> dict:
    runs = {"silver": [], "data": []}
    with tempfile.TemporaryDirectory(prefix="bench-data-") as tmp:
        silver = Path(tmp) / "silver.jsonl"
        config = load_config(
            "configs/data.yaml",
            [
                f"silver.output={silver}",
                f"silver.limit={args.silver_articles}",
                "silver.augment=0",
                f"silver.augment_output={Path(tmp) / 'augmented.jsonl'}",
                f"data.output={Path(tmp) / 'dataset'}",
            ],
        )
        for source in config.data.sources:
            if source.name == "claims-silver":
                source.path = str(silver)
        for _ in range(args.repeats):
            started = time.perf_counter()
            silver_from_config(config)
            runs["silver"].append(time.perf_counter() - started)
            started = time.perf_counter()
            _, counts = write_dataset(config)
            runs["data"].append(time.perf_counter() - started)
    corpus = source_files(config, config.silver.corpus, "silver corpus")
    silver_words = sum(len(tokenize(text)) for _, text in islice(corpus_articles(corpus), args.silver_articles))
    words = sum(c["tokens"] for c in counts.values())
    sentences = sum(c["sentences"] for c in counts.values())
    result = {
        "silver_articles": args.silver_articles,
        "dataset_words": words,
        "dataset_sentences": sentences,
        "runs_seconds": runs,
        "data": {"seconds": median(runs["data"]), "words_per_second": words / median(runs["data"])},
        "silver": {
            "seconds": median(runs["silver"]),
            "words": silver_words,
            "words_per_second": silver_words / median(runs["silver"]),
        },
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=CONFIG)
    parser.add_argument("--train-windows", type=int, default=480)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--articles", type=int, default=40, help="ant-news articles for the inference benchmark")
    parser.add_argument("--silver-articles", type=int, default=200)
    parser.add_argument("--model", help="a trained model folder for the inference benchmark (default: the base model)")
    parser.add_argument("--only", nargs="+", choices=["train", "inference", "data"], default=["train", "inference", "data"])
    parser.add_argument("overrides", nargs="*", help="train.key=value for the project's recipe")
    args = parser.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    config, splits, names = load_splits(args.config, [*FAST_RECIPE, *args.overrides])
    report = {"benchmark": "cpu", "device": device_info(), "config": args.config, "repeats": args.repeats}
    report["device"]["load_average_at_start"] = os.getloadavg()
    if "train" in args.only:
        report["training"] = bench_training(args, config, splits, names)
    if "inference" in args.only:
        report["inference"] = bench_inference(args, config, names)
    if "data" in args.only:
        report["data"] = bench_data(args)
    report["device"]["load_average_at_end"] = os.getloadavg()
    path = write_json("cpu.json", report)

    if "training" in report:
        t = report["training"]
        print(
            f"\nTraining, mini BERT, {t['sample_windows']} ANERcorp train windows ({t['sample_tokens']:,} sub-words) per run, "
            f"median of {args.repeats}:"
        )
        print(
            table(
                ["recipe", "tok/s", "epoch s (est.)", "peak RSS MiB"],
                [
                    [r, t[r]["tokens_per_second"], t[r]["epoch_seconds_estimate"], t[r]["peak_rss_mib"]]
                    for r in ("baseline", "project")
                ],
            )
        )
        print(f"project / baseline: {t['ratio']:.2f}x")
    if "inference" in report:
        print(format_inference(report["inference"], f"Inference, median of {args.repeats}"))
    if "data" in report:
        d = report["data"]
        silver, data = d["silver"], d["data"]
        print(f"\nData conversion, median of {args.repeats}:")
        print(f"silver ({d['silver_articles']} articles) {silver['seconds']:.1f}s = {silver['words_per_second']:,.0f} words/s")
        print(f"make data {d['dataset_words']:,} words in {data['seconds']:.1f}s = {data['words_per_second']:,.0f} words/s")
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
