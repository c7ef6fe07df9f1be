"""The fast engine's own per-step host work: ``train.training.fast.train_model`` against a bare loop over the
same batches, collated beforehand, on a model so small that its arithmetic is a minor share of a step.

    python -m bench.overhead [--batch-tokens 2048 16384] [--device cpu|cuda] [--model tiny base] [--profile]

One epoch of ANERcorp train from ``bench/data/anercorp.pt`` (``make bench-gpu-prep``) with a 1-layer BERT
(``tiny``: hidden 32, vocabulary 30000) and, with ``--model base``, the BERT-base shape of ``bench.gpu``.
Rows: the engine (ms per step), the collation alone, the bare loop (forward, backward, fused AdamW on
batches collated and moved to the device beforehand, with the engine's attention masks; bf16 autocast on
CUDA, as the engine). Engine minus bare loop is what the engine adds per step (collation, copies,
clipping, the schedule); the bare loop against the step's arithmetic says whether the model's own
launches bound it. ``--profile`` adds a
``torch.profiler`` table of one more engine epoch per row (operators by host time and by device time), to
tell which host work a slow step waits on. Prints the tables; writes bench/out/overhead.json.
"""

from __future__ import annotations

import argparse
import time

import torch
from transformers import BertConfig, BertForTokenClassification

from bench.common import device_info, table, write_json
from bench.gpu import DATA, bert_base
from train.inference.batching import attention_mask, collate, pad_multiple, token_batches
from train.training.fast import EngineSettings, train_model


def tiny_bert(num_labels: int) -> BertForTokenClassification:
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=30000, hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64, num_labels=num_labels
    )
    return BertForTokenClassification(config)


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def profile_epoch(train, device: torch.device) -> dict[str, str]:
    """Operator tables of one call of ``train`` under ``torch.profiler``: by self host time, and by self
    device time on CUDA."""
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    with profile(activities=activities) as profiler:
        train()
        synchronize(device)
    averages = profiler.key_averages()
    tables = {"by_host_time": averages.table(sort_by="self_cpu_time_total", row_limit=20)}
    if device.type == "cuda":
        tables["by_device_time"] = averages.table(sort_by="self_device_time_total", row_limit=20)
    return tables


def measure(
    ids, labels, num_labels: int, pad_id: int, batch_tokens: int, device: torch.device, name: str, profile: bool = False
) -> dict:
    cuda = device.type == "cuda"
    multiple = pad_multiple("auto", cuda=cuda)

    def fresh():
        return tiny_bert(num_labels) if name == "tiny" else bert_base(num_labels)

    settings = EngineSettings(epochs=1, batch_tokens=batch_tokens, logging_steps=0, seed=0, bf16=cuda)
    train_model(fresh(), ids, labels, settings, pad_id=pad_id, device=device)  # warm-up
    engine = train_model(fresh(), ids, labels, settings, pad_id=pad_id, device=device)
    rows, gold = [torch.tensor(r) for r in ids], [torch.tensor(g) for g in labels]
    batches = token_batches([len(r) for r in rows], batch_tokens, seed=0, multiple=multiple)
    started = time.perf_counter()
    collated = [collate([rows[i] for i in b], [gold[i] for i in b], pad_id, multiple) for b in batches]
    collate_ms = 1000 * (time.perf_counter() - started) / len(batches)
    model = fresh().to(device)
    collated = [{k: v.to(device) for k, v in batch.items()} for batch in collated]
    for batch, b in zip(collated, batches):  # the engine's mask, decided on the host (no sync in the forward)
        batch["attention_mask"] = attention_mask(model, batch["attention_mask"], [len(rows[i]) for i in b])
    optimizer = torch.optim.AdamW(model.parameters(), fused=True)
    synchronize(device)
    started = time.perf_counter()
    for batch in collated:
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cuda):
            loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    synchronize(device)
    bare_ms = 1000 * (time.perf_counter() - started) / len(collated)
    row = {
        "model": name,
        "batch_tokens": batch_tokens,
        "steps": engine.steps,
        "engine_ms_per_step": 1000 * engine.train_seconds / engine.steps,
        "collate_ms_per_step": collate_ms,
        "bare_loop_ms_per_step": bare_ms,
    }
    if profile:
        row["profile"] = profile_epoch(lambda: train_model(fresh(), ids, labels, settings, pad_id=pad_id, device=device), device)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch-tokens", type=int, nargs="+", default=[2048, 16384])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--model", nargs="+", choices=["tiny", "base"], default=["tiny"])
    parser.add_argument("--profile", action="store_true", help="add torch.profiler tables of one engine epoch per row")
    args = parser.parse_args()
    data = torch.load(DATA / "anercorp.pt", weights_only=True)
    train = data["splits"]["train"]
    device = torch.device(args.device)
    rows = [
        measure(train["input_ids"], train["labels"], len(data["names"]), data["pad_id"], tokens, device, name, args.profile)
        for name in args.model
        for tokens in args.batch_tokens
    ]
    path = write_json("overhead.json", {"benchmark": "overhead", "device": device_info(), "on": str(device), "rows": rows})
    print(f"\nPer-step milliseconds on {device}, one epoch of ANERcorp train:")
    keys = ["model", "batch_tokens", "steps", "engine_ms_per_step", "collate_ms_per_step", "bare_loop_ms_per_step"]
    headers = ["model", "batch tokens", "steps", "engine", "collation alone", "bare loop"]
    print(table(headers, [[r[k] for k in keys] for r in rows]))
    for r in rows:
        for title, text in r.get("profile", {}).items():
            heading = f"{r['model']}, {r['batch_tokens']} batch tokens, one engine epoch, operators {title.replace('_', ' ')}"
            print(f"\n{heading}:\n{text}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
