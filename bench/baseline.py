"""The baseline: a faithful re-implementation of the transformers example ``run_ner.py`` with its defaults.

``Trainer`` with the default ``TrainingArguments`` (per-device batch 8, fp32, lr 5e-5, no warmup, no
weight decay, linear decay, default optimizer, seed 42, 3 epochs, random sampling: no length grouping),
``DataCollatorForTokenClassification`` (dynamic padding, ``pad_to_multiple_of=None`` as run_ner sets it
without fp16), labels on the first sub-word of each word only (``label_all_tokens=False``).
Deviations, both in the baseline's favour: no checkpoint saving (run_ner saves every 500 steps) and no
evaluation during training. Inputs are the project's encoded windows, so both recipes see the same data.

Imports neither ``datasets`` nor ``seqeval`` (the GPU set uses it).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence

import torch
from transformers import DataCollatorForTokenClassification, Trainer, TrainingArguments, set_seed

RUN_NER_DEFAULTS = {"per_device_train_batch_size": 8, "learning_rate": 5e-5, "num_train_epochs": 3, "seed": 42}


class Rows(torch.utils.data.Dataset):
    """What run_ner's ``tokenize_and_align_labels`` produces: input_ids, token_type_ids, attention_mask, labels."""

    def __init__(self, input_ids: Sequence[Sequence[int]], labels: Sequence[Sequence[int]]) -> None:
        self.rows = [
            {"input_ids": list(i), "token_type_ids": [0] * len(i), "attention_mask": [1] * len(i), "labels": list(gold)}
            for i, gold in zip(input_ids, labels)
        ]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict:
        return self.rows[index]


def train_baseline(
    model,
    tokenizer,
    input_ids: Sequence[Sequence[int]],
    labels: Sequence[Sequence[int]],
    *,
    epochs: float = 3,
    seed: int = 42,
    max_steps: int = -1,
    output_dir: str | None = None,
) -> dict:
    """Train ``model`` in place with run_ner's defaults; ``{"model", "train_seconds", "real_tokens", "steps"}``."""
    set_seed(seed)
    output_dir = output_dir or tempfile.mkdtemp(prefix="bench-baseline-")
    arguments = TrainingArguments(
        output_dir=output_dir,
        per_device_train_batch_size=RUN_NER_DEFAULTS["per_device_train_batch_size"],
        learning_rate=RUN_NER_DEFAULTS["learning_rate"],
        num_train_epochs=epochs,
        max_steps=max_steps,
        seed=seed,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
    )
    dataset = Rows(input_ids, labels)
    pad = DataCollatorForTokenClassification(tokenizer, pad_to_multiple_of=None)
    seen: list[int] = []  # real tokens of each batch the collator made (the loader may fetch one ahead)

    def collator(features):
        seen.append(sum(len(f["input_ids"]) for f in features))
        return pad(features)

    trainer = Trainer(
        model=model,
        args=arguments,
        train_dataset=dataset,
        data_collator=collator,
        processing_class=tokenizer,
    )
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    started = time.perf_counter()
    output = trainer.train()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    steps = output.global_step
    real = sum(seen[:steps])
    model.eval()
    return {"model": model, "train_seconds": seconds, "real_tokens": real, "steps": steps}
