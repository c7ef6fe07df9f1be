#!/usr/bin/env bash
# The GPU benchmark set: baseline (run_ner.py defaults) and project in the same run, under 8 minutes on one H100.
# Prepare here first (needs the project's venv and data): make bench-gpu-prep   -> bench/data/ (git-ignored)
# On the device, carry it:  run(command="bash bench/gpu.sh", carry=["bench/data"])
# Needs only torch, transformers, accelerate, numpy, safetensors; no network. Extra arguments go to bench.gpu
# (e.g. --size tiny to check the path on a CPU). Results: bench/out/gpu.json (copied to $OUT when set).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
if [ ! -f bench/data/anercorp.pt ]; then
  echo "bench/data/anercorp.pt is missing: run 'make bench-gpu-prep' and carry bench/data" >&2
  exit 2
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
$PY -m bench.gpu --compile "$@"
if [ -n "${OUT:-}" ]; then cp bench/out/gpu*.json "$OUT/"; fi
