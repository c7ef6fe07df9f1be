"""Batches of windows for the model: token-budget batch plans, padding and collation, and the attention
mask decided on the host. Shared by the predictor and the fast training engine."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Literal

import torch

from train.inference.encoding import IGNORE


def pad_multiple(setting: Literal["auto"] | int | None, *, cuda: bool) -> int:
    """The multiple batch widths are rounded up to: ``"auto"`` is 8 on CUDA (tensor-core tiles) and 1 on
    a CPU, where a rounded width is only more padded work (bench/RESULTS.md); ``None`` is 1."""
    if setting == "auto":
        return 8 if cuda else 1
    return setting or 1


def padded_width(length: int, multiple: int) -> int:
    return -(-length // multiple) * multiple if multiple > 1 else length


def token_batches(
    lengths: Sequence[int], batch_tokens: int, *, seed: int, multiple: int = 8, sort_chunk: int = 1024, max_batch_size: int = 256
) -> list[list[int]]:
    """One epoch of batches (lists of indices): shuffled, length-sorted in chunks, within the token budget."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches: list[list[int]] = []
    for begin in range(0, len(order), sort_chunk):
        chunk = sorted(order[begin : begin + sort_chunk], key=lambda i: lengths[i], reverse=True)
        batch: list[int] = []
        width = 0
        for i in chunk:
            w = width or padded_width(lengths[i], multiple)  # sorted: the first one sets the width
            if batch and ((len(batch) + 1) * w > batch_tokens or len(batch) >= max_batch_size):
                batches.append(batch)
                batch, w = [], padded_width(lengths[i], multiple)
            batch.append(i)
            width = w
        if batch:
            batches.append(batch)
    rng.shuffle(batches)
    return batches


def collate(
    rows: Sequence[torch.Tensor], labels: Sequence[torch.Tensor] | None, pad_id: int, multiple: int
) -> dict[str, torch.Tensor]:
    """One padded batch (``labels`` ``None``: inputs only), filled with a few whole-batch operations
    rather than one copy per row: on a GPU the host's time per step is what bounds it."""
    lengths = [len(r) for r in rows]
    width = padded_width(max(lengths), multiple)
    mask = torch.arange(width) < torch.tensor(lengths)[:, None]
    ids = torch.full(mask.shape, pad_id, dtype=torch.long)
    ids[mask] = torch.cat(list(rows))
    batch = {"input_ids": ids, "attention_mask": mask.long()}
    if labels is not None:
        gold = torch.full(mask.shape, IGNORE, dtype=torch.long)
        gold[mask] = torch.cat(list(labels))
        batch["labels"] = gold
    return batch


def attention_mask(model: torch.nn.Module, mask: torch.Tensor, lengths: Sequence[int]) -> torch.Tensor | None:
    """The attention mask to give ``model`` for a batch of rows of ``lengths``, decided on the host:
    ``None`` when no row is padded, and for SDPA the 4D boolean mask transformers would build itself
    (other attention implementations get ``mask`` as it is). Given a 2D mask, transformers first asks
    ``mask.all()`` whether it may skip it: a read of a device value, so a CUDA sync on every forward."""
    if min(lengths) == mask.shape[1]:
        return None
    if getattr(model.config, "_attn_implementation", None) != "sdpa":
        return mask
    return mask.bool()[:, None, None, :].expand(-1, 1, mask.shape[1], -1)
