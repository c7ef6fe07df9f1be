"""Prepare what the GPU set needs as files (``make bench-gpu-prep``): the device has no ``datasets``, no
``seqeval``, no project data and no network.

Writes the git-ignored folder ``bench/data/``:

    anercorp.pt        ANERcorp train/validation/test of configs/mini.yaml encoded with the mini BERT's
                       tokenizer (windows: input_ids, first-sub-word labels, word positions, gold word tags)
    arabic-mini-bert/  a copy of ../shared/models/arabic-mini-bert (20 MB)
    ant-sentences.json the words of the sentences of the first 100 ant-news articles that fit one window
                       (the inference benchmark)

The device call must carry it: ``run(command="bash bench/gpu.sh", carry=["bench/data"])``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from bench.anercorp import CONFIG, load_model, load_splits
from bench.inference import ant_sentences
from train.config import resolve_path
from train.inference.encoding import build_windows, window_labels
from train.io import atomic_directory

DATA = Path(__file__).resolve().parent / "data"
INFERENCE_ARTICLES = 100


def encode_split(tokenizer, split: dict) -> dict:
    windows = build_windows(tokenizer, split["tokens"], tokenizer.model_max_length)
    labels = [window_labels(window, split["tags"][window.row]) for window in windows]
    return {
        "input_ids": [w.input_ids for w in windows],
        "labels": labels,
        "rows": [w.row for w in windows],
        "first_subword": [sorted(w.first_subword.items()) for w in windows],
        "tags": split["tags"],
    }


def main() -> None:
    config, splits, names = load_splits(CONFIG)
    tokenizer, _ = load_model(config, names, 0)
    payload = {
        "names": names,
        "pad_id": tokenizer.pad_token_id,
        "max_length": tokenizer.model_max_length,
        "splits": {name: encode_split(tokenizer, split) for name, split in splits.items()},
    }
    sentences = ant_sentences(Path(config.data_root(), "ant-news"), INFERENCE_ARTICLES, tokenizer)
    with atomic_directory(DATA) as tmp:
        torch.save(payload, tmp / "anercorp.pt")
        model_dir = shutil.copytree(resolve_path(config.model.base), tmp / "arabic-mini-bert")
        tokenizer.save_pretrained(str(model_dir))  # with the project's normalization in tokenizer.json
        (tmp / "ant-sentences.json").write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    sizes = {name: len(part["input_ids"]) for name, part in payload["splits"].items()}
    print(
        f"wrote {DATA}: windows {sizes}, train sub-words {sum(map(len, payload['splits']['train']['input_ids'])):,}, "
        f"{len(sentences):,} ant-news sentences"
    )


if __name__ == "__main__":
    main()
