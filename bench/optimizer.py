"""Where one training step of the fast engine spends its time, and what fused AdamW saves on CPU.

    python -m bench.optimizer [--batch 64] [--length 32] [--steps 6]

The mini BERT (configs/mini.yaml's base, 9 labels) on a synthetic batch of ``--batch`` x ``--length``
token ids: forward, backward, gradient clipping and the optimizer step timed apart, mean of the steps
after two warm-up steps, for ``torch.optim.AdamW`` with the default (foreach) implementation and with
``fused=True`` (what ``train.engine`` uses). Prints a table; writes bench/out/optimizer.json.
"""

from __future__ import annotations

import argparse
import time

import torch

from bench.anercorp import CONFIG
from bench.common import device_info, table, write_json
from train.config import load_config
from train.training.fast import EngineSettings, make_optimizer

PHASES = ("forward", "backward", "clip", "optimizer")


def time_steps(model, batch: dict, fused: bool, steps: int) -> dict[str, float]:
    optimizer = make_optimizer(model, EngineSettings()) if fused else torch.optim.AdamW(model.parameters(), lr=1e-4)
    totals = dict.fromkeys(PHASES, 0.0)
    for step in range(steps):
        marks = [time.perf_counter()]
        loss = model(**batch).loss
        marks.append(time.perf_counter())
        loss.backward()
        marks.append(time.perf_counter())
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        marks.append(time.perf_counter())
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        marks.append(time.perf_counter())
        if step >= 2:
            for phase, begin, end in zip(PHASES, marks, marks[1:]):
                totals[phase] += end - begin
    return {phase: 1000 * seconds / (steps - 2) for phase, seconds in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--length", type=int, default=32)
    parser.add_argument("--steps", type=int, default=6)
    args = parser.parse_args()
    from transformers import AutoModelForTokenClassification

    torch.manual_seed(0)
    config = load_config(CONFIG)
    base = str(config.path(config.model.base))
    model = AutoModelForTokenClassification.from_pretrained(base, num_labels=9)
    ids = torch.randint(5, model.config.vocab_size, (args.batch, args.length))
    batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": torch.randint(0, 9, ids.shape)}
    results = {name: time_steps(model, batch, fused, args.steps) for name, fused in (("foreach", False), ("fused", True))}
    rows = []
    for name, phases in results.items():
        total = sum(phases.values())
        throughput = args.batch * args.length / total * 1000
        rows.append([f"AdamW {name}"] + [f"{phases[p]:.0f}" for p in PHASES] + [f"{total:.0f}", f"{throughput:,.0f}"])
    print(table(["optimizer", *(f"{p} ms" for p in PHASES), "step ms", "tok/s"], rows))
    settings = {"batch": args.batch, "length": args.length, "steps": args.steps}
    write_json("optimizer.json", {"device": device_info(), **settings, "ms": results})


if __name__ == "__main__":
    main()
