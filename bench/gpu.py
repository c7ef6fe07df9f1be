"""The GPU benchmark set (``bash bench/gpu.sh``): training throughput, time to quality and inference,
baseline and project in the same run.

    python -m bench.gpu [--only throughput quality inference] [--size full|tiny] [--repeats 3]
                        [--variants baseline project project+nodrop project+nodrop+fill project+compile]
                        [--quality-seeds 0 1 2] [--out gpu.json]

Runs where only torch, transformers, accelerate, numpy and safetensors are installed: it imports neither
``datasets`` nor ``seqeval`` nor the project's config code, and reads ``bench/data/`` (``make
bench-gpu-prep``: ANERcorp encoded with the mini BERT's tokenizer and a copy of the mini BERT).

1. Throughput: a BERT-base of the CAMeLBERT shape (12 layers, hidden 768, vocabulary 30000, random
   weights) for one epoch of ANERcorp train, ``--repeats`` times after an untimed warm-up: the baseline
   (``bench.baseline``: run_ner.py defaults, Trainer, batch 8, fp32) and the project's engine (bf16
   autocast, fused AdamW, TF32, ``--batch-tokens`` length-grouped batches of at most 256 rows; variants
   add switches: ``+nodrop`` no dropout, ``+fill`` batches that fill the token budget (up to 1,024
   rows, sorted by length over 4,096 windows rather than 1,024), ``+compile`` torch.compile). Real
   (non-pad) tokens per second, seconds per epoch, peak GPU and host memory.
2. Time to quality, mini BERT: per seed, the baseline for ``--quality-epochs`` epochs against the
   project's default recipe (configs/mini.yaml with train.engine=fast: train.fast.batch_tokens 2048, lr 5e-4,
   no dropout, keep-best on validation); test entity F1 (strict IOB2 and conlleval rules, computed here)
   and the project's training time to the baseline's mean final F1 in both modes.
3. Inference (``bench.inference``): ``predict_words`` (what ``tag`` runs) against the token-classification
   pipeline sentence by sentence, on the ant-news sentences of ``bench/data/ant-sentences.json``, with the
   mini BERT and with the BERT-base shape (heads initialised with seed 0); times and identical labels.

``--size tiny`` runs a few steps of each on any device (CPU included) to check the code path.
Writes bench/out/``--out`` and prints tables.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch
from transformers import AutoModelForTokenClassification, BertConfig, BertForTokenClassification, PreTrainedTokenizerFast

from bench.baseline import train_baseline
from bench.common import device_info, median, peak_rss_mib, reset_peak_rss, show_quality, summarize_quality, table, write_json
from bench.inference import compare_inference, format_inference
from train.data.labels import tag_names
from train.inference.encoding import Window
from train.inference.predictor import predict_windows
from train.training.fast import EngineSettings, train_model

DATA = Path(__file__).resolve().parent / "data"
PROJECT_QUALITY = {"batch_tokens": 2048, "learning_rate": 5e-4, "warmup_ratio": 0.1, "weight_decay": 0.01, "dropout": 0.0}


def chunks(tags: list[str], strict: bool) -> set[tuple[str, int, int]]:
    """Entities of one sentence: strict IOB2 (seqeval mode="strict") or conlleval rules (seqeval default)."""
    found, start, kind = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        if start is not None and not (prefix == "I" and name == kind):
            found.add((kind, start, i))
            start = None
        if prefix == "B" or (prefix == "I" and start is None and not strict):
            start, kind = i, name
    return found


def entity_f1(gold: list[list[str]], predicted: list[list[str]], strict: bool) -> float:
    hits = n_gold = n_pred = 0
    for g, p in zip(gold, predicted):
        gs, ps = chunks(g, strict), chunks(p, strict)
        hits, n_gold, n_pred = hits + len(gs & ps), n_gold + len(gs), n_pred + len(ps)
    precision, recall = hits / max(1, n_pred), hits / max(1, n_gold)
    return 2 * precision * recall / (precision + recall) if hits else 0.0


def split_windows(split: dict) -> list[Window]:
    """The windows of a split as ``bench.gpu_prep`` encoded them."""
    return [Window(row, ids, dict(first)) for row, ids, first in zip(split["rows"], split["input_ids"], split["first_subword"])]


def scores(model, split: dict, names: list[str], pad_id: int) -> dict:
    """Test entity F1 of ``model`` (bf16 autocast on CUDA) through the project's ``predict_windows``."""
    gold = tag_names(split["tags"], names)
    device = next(model.parameters()).device
    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
        labelled = predict_windows(model, split_windows(split), [len(tags) for tags in split["tags"]], pad_id)
    predicted = [[label for label, _ in sentence] for sentence in labelled]
    return {"strict_f1": entity_f1(gold, predicted, True), "conlleval_f1": entity_f1(gold, predicted, False)}


def reset_memory() -> None:
    reset_peak_rss()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def memory() -> dict:
    out = {"peak_rss_mib": peak_rss_mib()}
    if torch.cuda.is_available():
        out["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2**20
    return out


def bert_base(num_labels: int, tiny: bool = False) -> BertForTokenClassification:
    """The CAMeLBERT shape with random weights (``tiny``: 2 layers of 64, to check the code path on a CPU)."""
    torch.manual_seed(0)
    width, layers, heads = (64, 2, 2) if tiny else (768, 12, 12)
    config = BertConfig(
        vocab_size=30000,
        hidden_size=width,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=4 * width,
        max_position_embeddings=512,
        num_labels=num_labels,
    )
    return BertForTokenClassification(config)


def mini_bert(names: list[str]):
    """The mini BERT of bench/data with a fresh token-classification head (initialised under the current seed)."""
    return AutoModelForTokenClassification.from_pretrained(
        str(DATA / "arabic-mini-bert"), id2label=dict(enumerate(names)), label2id={n: i for i, n in enumerate(names)}
    )


def bench_throughput(args, data: dict, tokenizer) -> dict:
    train = data["splits"]["train"]
    ids, labels = train["input_ids"], train["labels"]
    if args.size == "tiny":
        ids, labels = ids[:32], labels[:32]
    names = data["names"]
    tokens = sum(len(i) for i in ids)
    variants = args.variants
    runs: dict[str, list[dict]] = {v: [] for v in variants}
    errors = {}

    def project_settings(variant: str, **extra) -> EngineSettings:
        switches = set(variant.split("+")[1:])
        return EngineSettings(
            epochs=1,
            batch_tokens=args.batch_tokens,
            max_batch_size=1024 if "fill" in switches else EngineSettings.max_batch_size,
            sort_chunk=4096 if "fill" in switches else EngineSettings.sort_chunk,
            learning_rate=1e-4,
            bf16=True,
            logging_steps=0,
            compile="compile" in switches,
            dropout=0.0 if "nodrop" in switches else None,
            **extra,
        )

    for variant in variants:
        model = bert_base(len(names), tiny=args.size == "tiny")
        try:  # warm-up: kernels, allocator, compilation (not timed)
            started = time.perf_counter()
            if variant == "baseline":
                train_baseline(model, tokenizer, ids, labels, max_steps=5)
            else:
                train_model(model, ids, labels, project_settings(variant, max_steps=5), pad_id=data["pad_id"])
            warmup = time.perf_counter() - started
            for repeat in range(args.repeats):
                model = bert_base(len(names), tiny=args.size == "tiny")
                reset_memory()
                if variant == "baseline":
                    out = train_baseline(model, tokenizer, ids, labels, epochs=1, seed=repeat)
                    seconds, real, steps = out["train_seconds"], out["real_tokens"], out["steps"]
                else:
                    out = train_model(model, ids, labels, project_settings(variant, seed=repeat), pad_id=data["pad_id"])
                    seconds, real, steps = out.train_seconds, out.real_tokens, out.steps
                runs[variant].append(
                    {
                        "seconds": seconds,
                        "real_tokens": real,
                        "steps": steps,
                        "tokens_per_second": real / seconds,
                        "warmup_seconds": warmup,
                        **memory(),
                    }
                )
                print(f"  {variant} repeat {repeat}: {real / seconds:,.0f} tok/s, {seconds:.2f}s/epoch", flush=True)
                del model, out
        except Exception as error:  # e.g. torch.compile without a working compiler: record it, go on
            errors[variant] = f"{type(error).__name__}: {error}"[:500]
            print(f"  {variant} failed: {errors[variant]}", flush=True)
    result = {
        "model": "tiny BERT (2x64, vocab 30000), random weights"
        if args.size == "tiny"
        else "BERT-base shape (12x768, vocab 30000), random weights",
        "epoch_windows": len(ids),
        "epoch_tokens": tokens,
        "batch_tokens": args.batch_tokens,
        "runs": runs,
        "errors": errors,
    }
    for variant, rows in runs.items():
        if rows:
            result[variant] = {key: median([r[key] for r in rows]) for key in rows[0] if key not in ("steps", "real_tokens")}
    for variant in variants:
        if variant != "baseline" and runs.get("baseline") and runs[variant]:
            result[f"ratio_{variant}"] = result[variant]["tokens_per_second"] / result["baseline"]["tokens_per_second"]
    return result


def bench_quality(args, data: dict, tokenizer) -> dict:
    names, pad_id = data["names"], data["pad_id"]
    train, test, validation = (data["splits"][s] for s in ("train", "test", "validation"))
    epochs = args.quality_epochs if args.size == "full" else 0.02
    runs = []
    # untimed warm-up of both recipes (kernel loading on first use), as the throughput section does
    train_baseline(mini_bert(names), tokenizer, train["input_ids"], train["labels"], max_steps=5)
    warm = EngineSettings(max_steps=5, bf16=True, logging_steps=0, **PROJECT_QUALITY)
    train_model(mini_bert(names), train["input_ids"], train["labels"], warm, pad_id=pad_id)
    for seed in args.quality_seeds:
        torch.manual_seed(seed)
        model = mini_bert(names)
        out = train_baseline(model, tokenizer, train["input_ids"], train["labels"], epochs=epochs, seed=seed)
        runs.append(
            {"recipe": "baseline", "seed": seed, "train_seconds": out["train_seconds"], **scores(model, test, names, pad_id)}
        )
        print(f"  baseline seed {seed}: {runs[-1]}", flush=True)
        torch.manual_seed(seed)
        model = mini_bert(names)

        def evaluate(model, info: dict) -> float:
            info["test"] = scores(model, test, names, pad_id)
            return scores(model, validation, names, pad_id)["strict_f1"]

        settings = EngineSettings(
            epochs=epochs, seed=seed, bf16=True, logging_steps=0, evaluations_per_epoch=4, **PROJECT_QUALITY
        )
        outcome = train_model(model, train["input_ids"], train["labels"], settings, pad_id=pad_id, on_evaluate=evaluate)
        runs.append(
            {
                "recipe": "project",
                "seed": seed,
                "train_seconds": outcome.train_seconds,
                "history": outcome.history,
                **scores(model, test, names, pad_id),
            }
        )
        print(f"  project seed {seed}: {dict((k, v) for k, v in runs[-1].items() if k != 'history')}", flush=True)
    summary = summarize_quality(runs)
    return {"epochs": epochs, "project_recipe": PROJECT_QUALITY, "runs": runs, "summary": summary}


def bench_inference(args, data: dict, tokenizer) -> dict:
    sentences = json.loads((DATA / "ant-sentences.json").read_text(encoding="utf-8"))
    if args.size == "tiny":
        sentences = sentences[:40]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    names = data["names"]
    results = {}
    for name in ("mini BERT", "BERT-base shape"):
        torch.manual_seed(0)
        model = mini_bert(names) if name == "mini BERT" else bert_base(len(names), tiny=args.size == "tiny")
        model.config.id2label = dict(enumerate(names))
        model.config.label2id = {label: i for i, label in enumerate(names)}
        print(f"  inference, {name}:", flush=True)
        results[name] = compare_inference(model.to(device), tokenizer, sentences, args.repeats)
        del model
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=["full", "tiny"], default="full")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-tokens", type=int, default=16384)
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=["baseline", "project", "project+nodrop", "project+nodrop+fill", "project+compile"],
        default=["baseline", "project"],
    )
    parser.add_argument("--quality-seeds", type=int, nargs="*", default=[0])
    parser.add_argument("--quality-epochs", type=float, default=3)
    parser.add_argument(
        "--only", nargs="+", choices=["throughput", "quality", "inference"], default=["throughput", "quality", "inference"]
    )
    parser.add_argument("--out", default="gpu.json", help="file name under bench/out/")
    args = parser.parse_args()
    if not (DATA / "anercorp.pt").is_file():
        raise SystemExit(f"{DATA / 'anercorp.pt'} is missing: run `make bench-gpu-prep` and carry bench/data")
    data = torch.load(DATA / "anercorp.pt", weights_only=True)
    tokenizer = PreTrainedTokenizerFast.from_pretrained(str(DATA / "arabic-mini-bert"))
    report = {"benchmark": "gpu", "size": args.size, "device": device_info(), "load_average_at_start": os.getloadavg()}
    if "throughput" in args.only:
        report["throughput"] = bench_throughput(args, data, tokenizer)
    if "quality" in args.only and args.quality_seeds:
        report["quality"] = bench_quality(args, data, tokenizer)
    if "inference" in args.only:
        report["inference"] = bench_inference(args, data, tokenizer)
    path = write_json(args.out, report)

    where = report["device"].get("gpu", report["device"]["cpu"])
    if "throughput" in report:
        t = report["throughput"]
        print(
            f"\nTraining throughput on {where}, {t['model']}, "
            f"one epoch of {t['epoch_tokens']:,} sub-words, median of {args.repeats}:"
        )
        rows = [
            [v, t[v]["tokens_per_second"], t[v]["seconds"], t[v].get("peak_gpu_mib", 0.0), t[v]["peak_rss_mib"]]
            for v in t["runs"]
            if v in t
        ]
        print(table(["recipe", "tok/s", "s/epoch", "peak GPU MiB", "peak RSS MiB"], rows))
        for key, ratio in t.items():
            if key.startswith("ratio_"):
                print(f"{key[6:]} / baseline: {ratio:.2f}x")
        for variant, error in t["errors"].items():
            print(f"{variant} failed: {error}")
    if "quality" in report:
        print(f"\nMini BERT on ANERcorp test, {report['quality']['epochs']} epochs:")
        show_quality(report["quality"]["summary"])
    for name, result in report.get("inference", {}).items():
        print(format_inference(result, f"Inference on {where}, {name}, median of {args.repeats}"))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
