"""Shared helpers of the benchmarks: medians, peak memory, device description, tables, JSON output
(under bench/out/, or the folder ``BENCH_OUT`` names), and the summary of a quality run (both recipes,
several seeds, time to the baseline's F1) that the CPU and GPU sets share.

Imports only the standard library, torch, ``train.io`` and the table renderer, so the GPU set can use it
where ``datasets`` is absent.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from pathlib import Path

import torch

from train.io import atomic_write_json
from train.reporting.tables import markdown_table

OUT = Path(os.environ.get("BENCH_OUT") or Path(__file__).resolve().parent / "out")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def device_info() -> dict:
    info = {
        "cpu": cpu_model(),
        "cpu_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    try:
        import transformers

        info["transformers"] = transformers.__version__
    except ImportError:
        pass
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
        info["cuda"] = torch.version.cuda
    return info


def reset_peak_rss() -> None:
    """Reset the process's peak resident set (Linux: VmHWM), so the next reading covers what follows."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_rss_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def spread(values: list[float]) -> dict:
    return {
        "mean": float(statistics.fmean(values)),
        "std": float(statistics.stdev(values)) if len(values) > 1 else 0.0,
        "min": float(min(values)),
        "max": float(max(values)),
        "values": [float(v) for v in values],
    }


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[f"{c:,.1f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    return markdown_table([str(h) for h in headers], cells, padded=True)


def write_json(name: str, payload: dict) -> Path:
    return atomic_write_json(OUT / name, payload)


def summarize_quality(runs: list[dict]) -> dict:
    """Mean and spread per recipe; the project's training time to reach the baseline's mean final F1 (both modes)."""
    summary = {}
    for recipe in ("baseline", "project"):
        mine = [r for r in runs if r["recipe"] == recipe]
        if mine:
            summary[recipe] = {key: spread([r[key] for r in mine]) for key in ("strict_f1", "conlleval_f1", "train_seconds")}
    if len(summary) < 2:
        return summary
    target = summary["baseline"]["conlleval_f1"]["mean"], summary["baseline"]["strict_f1"]["mean"]
    reached = []
    for run in (r for r in runs if r["recipe"] == "project"):
        hit = next(
            (h for h in run["history"] if h["test"]["conlleval_f1"] >= target[0] and h["test"]["strict_f1"] >= target[1]), None
        )
        reached.append(hit["train_seconds"] if hit else None)
    baseline_time = summary["baseline"]["train_seconds"]["mean"]
    summary["time_to_baseline_f1"] = {
        "target_conlleval_f1": target[0],
        "target_strict_f1": target[1],
        "project_seconds": reached,
        "ratio_to_baseline_time": [s / baseline_time if s is not None else None for s in reached],
    }
    return summary


def show_quality(summary: dict) -> None:
    """The printed table of a :func:`summarize_quality` result."""
    if "time_to_baseline_f1" not in summary:
        return print(summary)
    rows = [
        [
            recipe,
            f"{100 * s['strict_f1']['mean']:.2f} ± {100 * s['strict_f1']['std']:.2f}",
            f"{100 * s['conlleval_f1']['mean']:.2f} ± {100 * s['conlleval_f1']['std']:.2f}",
            f"{s['train_seconds']['mean']:.0f}",
            len(s["strict_f1"]["values"]),
        ]
        for recipe, s in ((k, summary[k]) for k in ("baseline", "project"))
    ]
    print(table(["recipe", "strict F1 (mean ± sd)", "conlleval F1 (mean ± sd)", "train s (mean)", "seeds"], rows))
    print(
        "project time to the baseline's mean final F1, as a fraction of the baseline's time:",
        summary["time_to_baseline_f1"]["ratio_to_baseline_time"],
    )
