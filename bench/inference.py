"""Inference benchmark shared by the CPU and GPU sets: ``train.inference.predictor.predict_words`` (what ``tag``
runs: length-sorted batches, ``inference_mode``) against ``pipeline("token-classification")`` called
sentence by sentence, on the same model and sentences; times and the word labels of both compared.

Imports neither ``datasets`` nor ``seqeval`` nor the project's config code, so the GPU set can use it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import torch
from transformers import pipeline

from bench.common import median, table
from train.data.text import split_sentences
from train.inference.predictor import predict_words


def ant_sentences(corpus: Path, articles: int, tokenizer) -> list[list[str]]:
    """Words of the sentences of the first ``articles`` ant-news articles that fit one window of
    ``tokenizer`` (the pipeline truncates a longer one, so both methods then see every word)."""
    sentences = []
    for path in sorted(corpus.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if articles <= 0:
                    break
                articles -= 1
                sentences += [[t.text for t in s.tokens] for s in split_sentences(json.loads(line)["text"])]
    sentences = [s for s in sentences if s]
    budget = tokenizer.model_max_length - 2
    lengths = [len(tokenizer(s, is_split_into_words=True, add_special_tokens=False)["input_ids"]) for s in sentences]
    return [s for s, n in zip(sentences, lengths) if n <= budget]


def pipeline_words(pipe, words: list[str]) -> list[str]:
    """Word labels from the pipeline's sub-word output: the label of each word's first sub-word, else O."""
    text, starts, position = "", {}, 0
    for i, word in enumerate(words):
        starts[position] = i
        text += word + " "
        position += len(word) + 1
    labels = ["O"] * len(words)
    for entity in pipe(text.rstrip()):
        if entity["start"] in starts:
            labels[starts[entity["start"]]] = entity["entity"]
    return labels


def linear_floor(model, tokens: int, repeats: int = 3) -> dict:
    """Seconds the model's ``nn.Linear`` layers alone take over ``tokens`` rows: a lower bound for any method
    that runs every sub-word through the model at its precision, however it batches (attention, GELU,
    LayerNorm and padding come on top). The rows go through in blocks of each of several sizes, all at once
    included (median of ``repeats`` after one warm-up pass each); the fastest block size gives the floor."""
    device, dtype = next(model.parameters()).device, next(model.parameters()).dtype
    layers = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    inputs = {n: torch.randn(tokens, n, device=device, dtype=dtype) for n in {m.in_features for m in layers}}
    seconds = {}
    with torch.inference_mode():
        for rows in sorted({tokens, *(r for r in (512, 1024, 2048, 4096, 8192) if r < tokens)}):
            times = []
            for _ in range(repeats + 1):
                if device.type == "cuda":
                    torch.cuda.synchronize()
                started = time.perf_counter()
                for begin in range(0, tokens, rows):
                    for layer in layers:
                        layer(inputs[layer.in_features][begin : begin + rows])
                if device.type == "cuda":
                    torch.cuda.synchronize()
                times.append(time.perf_counter() - started)
            seconds[rows] = median(times[1:])
    best = min(seconds, key=seconds.get)
    return {"seconds": seconds[best], "block_rows": best, "seconds_by_block_rows": seconds}


def compare_inference(model, tokenizer, sentences: list[list[str]], repeats: int, batch_size: int = 64) -> dict:
    """Both methods ``repeats`` times, alternately, after one untimed warm-up call of each."""
    model.eval()
    device = next(model.parameters()).device
    pipe = pipeline("token-classification", model=model, tokenizer=tokenizer, device=device)

    def synchronize() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize()

    def project() -> list[list[str]]:
        return [[label for label, _ in s] for s in predict_words(model, tokenizer, sentences, batch_size=batch_size)]

    def sentence_by_sentence() -> list[list[str]]:
        with torch.inference_mode():
            return [pipeline_words(pipe, s) for s in sentences]

    methods = {"project": project, "pipeline": sentence_by_sentence}
    predict_words(model, tokenizer, sentences[:batch_size], batch_size=batch_size)  # warm-up: kernels, allocator
    with torch.inference_mode():
        for words in sentences[:8]:
            pipeline_words(pipe, words)
    runs: dict[str, list[float]] = {name: [] for name in methods}
    outputs: dict[str, list[list[str]]] = {}
    for repeat in range(repeats):
        for name, method in methods.items():
            synchronize()
            started = time.perf_counter()
            outputs[name] = method()
            synchronize()
            runs[name].append(time.perf_counter() - started)
        last = {name: times[-1] for name, times in runs.items()}
        print(f"  inference repeat {repeat}: project {last['project']:.2f}s, pipeline {last['pipeline']:.2f}s", flush=True)
    sub_words = sum(len(tokenizer(s, is_split_into_words=True)["input_ids"]) for s in sentences)
    words = sum(len(s) for s in sentences)
    result = {
        "sentences": len(sentences),
        "words": words,
        "sub_words": sub_words,
        "batch_size": batch_size,
        "identical_word_labels": sum(a == b for p, q in zip(outputs["project"], outputs["pipeline"]) for a, b in zip(p, q)),
        "identical_sentences": sum(p == q for p, q in zip(outputs["project"], outputs["pipeline"])),
        "runs_seconds": runs,
    }
    for name in methods:
        seconds = median(runs[name])
        result[name] = {"seconds": seconds, "tokens_per_second": sub_words / seconds, "words_per_second": words / seconds}
    result["ratio"] = result["project"]["tokens_per_second"] / result["pipeline"]["tokens_per_second"]
    floor = linear_floor(model, sub_words)
    result["linear_floor"] = {**floor, "max_ratio": result["pipeline"]["seconds"] / floor["seconds"]}
    return result


def format_inference(result: dict, title: str) -> str:
    """The printed report of one :func:`compare_inference` result: a table and the ratio with the label check."""
    keys = ("seconds", "tokens_per_second", "words_per_second")
    rows = [[method, *(result[method][key] for key in keys)] for method in ("pipeline", "project")]
    return (
        f"\n{title}, {result['sentences']} ant-news sentences ({result['sub_words']:,} sub-words):\n"
        + table(["method", "seconds", "tok/s", "words/s"], rows)
        + f"\nproject / pipeline: {result['ratio']:.2f}x; identical word labels "
        f"{result['identical_word_labels']:,}/{result['words']:,}, "
        f"identical sentences {result['identical_sentences']}/{result['sentences']}"
        f"\nlinear layers alone over the {result['sub_words']:,} sub-words: {result['linear_floor']['seconds']:.2f}s "
        f"(blocks of {result['linear_floor']['block_rows']:,} rows, the fastest tried), "
        f"so no method at this precision passes {result['linear_floor']['max_ratio']:.1f}x the pipeline"
    )
