"""ANERcorp for the CPU benchmarks: the prepared dataset of ``configs/mini.yaml`` (``python -m train data
configs/mini.yaml``), the NER rows of each split, and the mini BERT with its tokenizer as ``fit`` loads them."""

from __future__ import annotations

from transformers import set_seed

from train.config import load_config
from train.data.dataset import load_prepared, task_splits
from train.data.labels import TAG_COLUMNS
from train.inference.encoding import training_features
from train.training.base_model import load_base

CONFIG = "configs/mini.yaml"
# The project's recipe the benchmarks measure (bench/RESULTS.md 4c): the fast engine, no dropout.
FAST_RECIPE = ["train.engine=fast", "train.fast.dropout=0"]


def load_splits(config_path: str = CONFIG, overrides: list[str] | None = None):
    """``(config, {split: rows}, label names)``; rows are dicts with ``tokens`` and ``tags`` (ids)."""
    config = load_config(config_path, overrides)
    dataset = load_prepared(config)
    column = TAG_COLUMNS[config.train.task]
    names = dataset["train"].features[column].feature.names
    splits = {}
    for split, part in task_splits(dataset, config.train.task).items():
        splits[split] = {"tokens": list(part["tokens"]), "tags": list(part[column])}
    return config, splits, names


def load_model(config, names: list[str], seed: int):
    """Tokenizer and a fresh token classifier (head initialised under ``seed``, as run_ner does)."""
    set_seed(seed)
    return load_base(config.model, names)


def encode(tokenizer, split: dict) -> tuple[list[list[int]], list[list[int]]]:
    features = training_features(tokenizer, split["tokens"], split["tags"], tokenizer.model_max_length)
    return features["input_ids"], features["labels"]
