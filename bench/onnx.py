"""The ONNX benchmark (``make bench-onnx``): torch against its ONNX export, fp32 and int8, on the CPU.

    python -m bench.onnx [--ner runs/mini/model] [--claims runs/claims-mini/model] [--articles 40] [--repeats 3]

Both models are exported (``python -m train export``, with and without ``--int8``) into a temporary folder;
without a claims model (``--claims`` not a folder) the claims rows are left out and the speed test runs
the NER model with the rule claims tagger (the same on every backend).

1. Quality: each model's test split (NER: ``--ner-data``, ANERcorp; claims: the claims rows of
   ``--claims-data``, the default dataset) through ``train.inference.predictor.predict_words`` on each backend:
   the share of word labels equal to torch's, and strict seqeval F1 against the gold labels.
2. Speed: the full :class:`train.inference.tagger.Tagger` (sentence split, both models, claim records) on the seed
   article and the first ``--articles`` ant-news articles, each backend once per repeat, interleaved,
   after one warm-up call each: articles per second and milliseconds per article (median of
   ``--repeats``), ratios to torch. Torch and onnxruntime use the same number of threads (``--threads``).

Needs the [onnx] extra, ``make mini``, ``make claims-mini`` and ``make data``. Prints a table; writes
bench/out/onnx.json.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import torch
from datasets import load_from_disk

from bench.common import device_info, median, table, write_json
from train.config import load_config
from train.data.dataset import task_splits
from train.data.labels import TAG_COLUMNS, tag_names
from train.evaluation.metrics import compute_seqeval
from train.inference.models import load_trained
from train.inference.onnx import export_onnx, load_onnx
from train.inference.predictor import predict_words
from train.inference.tagger import Tagger

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_5aed8b592000b0fd.txt"
BACKENDS = ("torch", "onnx fp32", "onnx int8")


def test_rows(dataset: Path, task: str) -> tuple[list[list[str]], list[list[str]]]:
    """Words and gold label names of the test sentences of ``task``'s layer."""
    part = task_splits(load_from_disk(str(dataset)), task)["test"]
    column = TAG_COLUMNS[task]
    return list(part["tokens"]), tag_names(part[column], part.features[column].feature.names)


def quality(folders: dict[str, Path], dataset: Path, task: str) -> dict:
    words, gold = test_rows(dataset, task)
    labels = {}
    for backend, folder in folders.items():
        tokenizer, model = (load_trained if backend == "torch" else load_onnx)(folder, task)
        labels[backend] = [[label for label, _ in s] for s in predict_words(model, tokenizer, words)]
        print(f"  {task} {backend}: {len(words)} test sentences tagged", flush=True)
    total = sum(len(s) for s in gold)
    result = {"sentences": len(words), "words": total}
    for backend, predicted in labels.items():
        same = sum(a == b for ours, reference in zip(predicted, labels["torch"]) for a, b in zip(ours, reference))
        result[backend] = {
            "agreement_with_torch": same / total,
            "words_differing": total - same,
            "strict_f1": compute_seqeval(gold, predicted)["strict"]["f1"],
        }
    return result


def articles(corpus: Path, count: int) -> list[str]:
    """The seed article, then the first ``count`` ant-news articles."""
    texts = [SEED.read_text(encoding="utf-8")]
    for path in sorted(corpus.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if len(texts) > count:
                    return texts
                texts.append(json.loads(line)["text"])
    return texts


def speed(folders: dict[str, dict[str, Path]], texts: list[str], repeats: int) -> dict:
    taggers = {
        backend: Tagger(ner=folders[backend]["ner"], claims=folders[backend].get("claims"), backend=backend.split()[0])
        for backend in BACKENDS
    }
    for tagger in taggers.values():
        tagger(texts[:2])  # warm-up: allocator, onnxruntime's first run
    seconds = {backend: [] for backend in BACKENDS}
    for repeat in range(repeats):
        for backend, tagger in taggers.items():
            started = time.perf_counter()
            tagger(texts)
            seconds[backend].append(time.perf_counter() - started)
            print(f"  speed {backend} repeat {repeat}: {seconds[backend][-1]:.1f}s", flush=True)
    result = {"articles": len(texts), "characters": sum(len(t) for t in texts), "seconds": seconds}
    for backend in BACKENDS:
        best = median(seconds[backend])
        result[backend] = {"articles_per_second": len(texts) / best, "ms_per_article": 1000 * best / len(texts)}
    for backend in BACKENDS:
        result[backend]["speed_ratio_to_torch"] = result[backend]["articles_per_second"] / result["torch"]["articles_per_second"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ner", default="runs/mini/model", help="NER model folder (default: %(default)s, make mini)")
    parser.add_argument("--claims", default="runs/claims-mini/model", help="claims model folder (default: %(default)s)")
    parser.add_argument("--ner-data", default="runs/data/anercorp", help="dataset with the NER test split")
    parser.add_argument("--claims-data", default="runs/data/default", help="dataset with the claims test split")
    parser.add_argument("--articles", type=int, default=40, help="ant-news articles for the speed test (plus the seed)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="torch and onnxruntime threads (default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)  # OnnxModel takes torch's thread count
    models = {"ner": Path(args.ner), "claims": Path(args.claims)}
    if not models["claims"].is_dir():
        print(f"no claims model at {args.claims}: NER only, claims from the rules in the speed test")
        del models["claims"]
    report = {"benchmark": "onnx", "device": device_info(), "models": {k: str(v) for k, v in models.items()}}
    report["device"]["load_average_at_start"] = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-onnx-") as tmp:
        folders = {"torch": models}
        for backend, int8 in (("onnx fp32", False), ("onnx int8", True)):
            folders[backend] = {
                task: export_onnx(model, Path(tmp, f"{task}-{backend[5:]}"), int8=int8) for task, model in models.items()
            }
        report["model_mib"] = {
            backend: {
                task: sum(f.stat().st_size for f in Path(folder).glob("*.onnx")) / 2**20 for task, folder in by_task.items()
            }
            for backend, by_task in folders.items()
            if backend != "torch"
        }
        report["quality"] = {
            task: quality({backend: folders[backend][task] for backend in BACKENDS}, Path(data), task)
            for task, data in (("ner", args.ner_data), ("claims", args.claims_data))
            if task in models
        }
        corpus = Path(load_config("configs/data.yaml").data_root(), "ant-news")
        report["speed"] = speed(folders, articles(corpus, args.articles), args.repeats)
    report["threads"] = args.threads
    report["repeats"] = args.repeats
    report["device"]["load_average_at_end"] = os.getloadavg()
    path = write_json("onnx.json", report)

    q, s = report["quality"], report["speed"]
    sizes = ", ".join(f"{task} {q[task]['words']:,} words" for task in q)
    print(
        f"\nCPU, {args.threads} threads; quality on the test splits ({sizes}); speed: the full Tagger "
        f"({' and '.join(models)} model{'s' if len(models) > 1 else ''}) on {s['articles']} articles, median of {args.repeats}:"
    )
    rows = [
        [
            backend,
            *(f"{100 * q[task][backend][key]:.2f}" for task in q for key in ("agreement_with_torch", "strict_f1")),
            f"{s[backend]['articles_per_second']:.2f}",
            f"{s[backend]['ms_per_article']:.0f}",
            f"{s[backend]['speed_ratio_to_torch']:.2f}x",
        ]
        for backend in BACKENDS
    ]
    headers = ["backend", *(f"{task} {key}" for task in q for key in ("agree %", "F1")), "articles/s", "ms/article", "vs torch"]
    print(table(headers, rows))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
