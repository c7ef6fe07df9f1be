"""Record or check what the project's commands produce, so a refactor can prove it changed nothing.

    python tools/behaviour.py record [OUT]    # regenerate tests/fixtures/behaviour/ (when behaviour is meant to change)
    python tools/behaviour.py check           # rebuild everything and compare with the stored outputs

What is recorded (``tests/fixtures/behaviour/``):

- ``normalizer.jsonl``: the quantity normalizer on every row of ``tests/fixtures/quantities.tsv``;
- ``rules-gold.jsonl``: the rule tagger's spans and claim records on the gold claims dev, test and
  blind articles (their text from the shared ANT corpus);
- ``silver.json``: SHA-256 of the silver and augmented files ``python -m train silver`` writes;
- ``smoke.json`` and ``tag-seed.jsonl``: four smoke runs (``configs/tiny.yaml``, NER and claims, the
  Trainer engine and the fast engine) through the real command line: the SHA-256 of each
  ``model.safetensors``, the metrics of each ``eval_results.json``, and ``tag`` on ``seeds/`` with the
  Trainer models.

Weight hashes can differ between CPUs (their float kernels differ), so ``smoke.json`` records the
machine it was made on and the check compares weights only on the same kind of machine; everything
else must match everywhere. ``tests/test_behaviour.py`` runs the check.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Check this checkout's package: run as a script, tools/ comes first on the path and an editable install
# of another checkout (a git worktree's main) would be imported instead.
sys.path.insert(0, str(ROOT))
STORED = ROOT / "tests" / "fixtures" / "behaviour"
FAST_WARMUP = ["train.warmup_ratio=0.2"]  # configs/tiny.yaml has none: with it, a change of schedule shows
SMOKE_RUNS = {  # name -> fit overrides
    "ner-trainer": ["train.task=ner"],
    "claims-trainer": ["train.task=claims"],
    "ner-fast": ["train.task=ner", "train.engine=fast", *FAST_WARMUP],
    "claims-fast": ["train.task=claims", "train.engine=fast", *FAST_WARMUP],
}
GOLD_SOURCES = ("claims-gold-dev", "claims-gold-test", "claims-gold-blind")


def machine() -> str:
    """What decides float results on CPU: the processor model, the architecture and torch's version."""
    import torch

    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        model = names[0] if names else ""
    return f"{platform.machine()} | {model or platform.processor()} | torch {torch.__version__}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _json_lines(rows: list) -> str:
    return "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows)


def _train(*args: str, cwd: Path = ROOT) -> None:
    subprocess.run([sys.executable, "-m", "train", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def normalizer_outputs() -> str:
    from train.claims.quantity import parse_quantity

    lines = (ROOT / "tests" / "fixtures" / "quantities.tsv").read_text(encoding="utf-8").split("\n")[1:]
    texts = [line.split("\t", 1)[0] for line in lines if line]
    return _json_lines([{"text": text, "record": parse_quantity(text).to_dict()} for text in texts])


def rules_outputs() -> str:
    from train.claims.linking import claim_records
    from train.claims.rules import find_claims
    from train.config import load_config
    from train.data.readers import read_source

    config = load_config(ROOT / "configs" / "data.yaml")
    rows = []
    for source in config.data.sources:
        if source.name in GOLD_SOURCES:
            for article in read_source(config, source):
                spans = find_claims(article.text)
                rows.append(
                    {
                        "source": source.name,
                        "id": article.id,
                        "spans": [span.to_dict() for span in spans],
                        "records": claim_records(article.text, spans),
                    }
                )
    return _json_lines(rows)


def silver_outputs(work: Path) -> dict:
    silver, augmented = work / "silver.jsonl", work / "augmented.jsonl"
    _train("silver", "configs/data.yaml", f"silver.output={silver}", f"silver.augment_output={augmented}")
    return {"silver": _sha256(silver), "augmented": _sha256(augmented)}


def smoke_outputs(work: Path) -> tuple[dict, str]:
    data = work / "data"
    _train("data", "configs/tiny.yaml", f"data.output={data}")
    runs = {}
    for name, overrides in SMOKE_RUNS.items():
        run = work / name
        _train("fit", "configs/tiny.yaml", f"data.output={data}", f"train.output_dir={run}", *overrides)
        results = json.loads((run / "model" / "eval_results.json").read_text(encoding="utf-8"))
        runs[name] = {
            "weights_sha256": _sha256(run / "model" / "model.safetensors"),
            "metrics": {split: results[split] for split in ("validation", "test") if split in results},
        }
    tagged = work / "tag.jsonl"
    ner, claims = work / "ner-trainer" / "model", work / "claims-trainer" / "model"
    _train("tag", "--ner", str(ner), "--claims", str(claims), "seeds/", "-o", str(tagged))
    return {"machine": machine(), "runs": runs}, tagged.read_text(encoding="utf-8")


def outputs(work: Path) -> dict[str, str]:
    """Every recorded output, by file name, built into the scratch folder ``work``."""
    smoke, tagged = smoke_outputs(work)
    return {
        "normalizer.jsonl": normalizer_outputs(),
        "rules-gold.jsonl": rules_outputs(),
        "silver.json": json.dumps(silver_outputs(work), indent=2, sort_keys=True) + "\n",
        "smoke.json": json.dumps(smoke, indent=2, sort_keys=True) + "\n",
        "tag-seed.jsonl": tagged,
    }


def differences(built: dict[str, str], stored: Path = STORED) -> list[str]:
    """What differs between freshly built outputs and the stored ones (weights only on the same machine)."""
    problems = []
    for name, text in built.items():
        path = stored / name
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if name == "smoke.json" and old is not None:
            new_smoke, old_smoke = json.loads(text), json.loads(old)
            same_machine = new_smoke["machine"] == old_smoke["machine"]
            for run, new_run in new_smoke["runs"].items():
                old_run = old_smoke["runs"].get(run, {})
                if new_run.get("metrics") != old_run.get("metrics"):
                    problems.append(f"smoke.json: the metrics of run {run} differ")
                if same_machine and new_run["weights_sha256"] != old_run.get("weights_sha256"):
                    problems.append(f"smoke.json: the weights of run {run} differ (same machine: {new_smoke['machine']})")
        elif text != old:
            problems.append(f"{name} differs from {path}")
    return problems


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("record", "check"):
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        built = outputs(Path(scratch))
    if argv[0] == "record":
        out = Path(argv[1]) if len(argv) > 1 else STORED
        out.mkdir(parents=True, exist_ok=True)
        for name, text in built.items():
            (out / name).write_text(text, encoding="utf-8")
        print(f"recorded {len(built)} files in {out}")
        return 0
    problems = differences(built)
    print("\n".join(problems) or "identical to the stored outputs")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
