#!/usr/bin/env bash
# The GPU benchmark set: baseline (run_ner.py defaults) and project in the same run, under 8 minutes on one H100.
# Prepare here first (needs the project's venv and data): make bench-gpu-prep   -> bench/data/ (git-ignored)
# On the device, carry it:  run(command="bash bench/gpu.sh", carry=["bench/data"])
# Needs only torch, transformers, accelerate, numpy, safetensors; no network. Extra arguments go to every
# bench.gpu call (e.g. --size tiny --repeats 1 to check the path on a CPU). Sections run in order of
# importance, each its own process writing bench/out/gpu-<section>.json (copied to $OUT at once when set;
# bench.overhead, the engine's per-step host work, writes overhead.json),
# so a run stopped at its time limit keeps what it finished. The log goes to bench/out/gpu-log.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1
if [ ! -f bench/data/anercorp.pt ] || [ ! -f bench/data/ant-sentences.json ]; then
  echo "bench/data/ is missing or old: run 'make bench-gpu-prep' and carry bench/data" >&2
  exit 2
fi
mkdir -p bench/out
LOG=bench/out/gpu-log.txt
: >"$LOG"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$LOG"
status=0
section() {
  local name=$1
  shift
  echo "== $name: bench.gpu $*" | tee -a "$LOG"
  $PY -m bench.gpu --out "gpu-$name.json" "$@" 2>&1 | tee -a "$LOG" || status=1
  if [ -n "${OUT:-}" ]; then cp bench/out/gpu-"$name".json "$LOG" "$OUT/" 2>/dev/null; fi
}
section throughput --only throughput --variants baseline project "$@"
section quality --only quality --quality-seeds 0 1 2 "$@"
section inference --only inference "$@"
echo "== overhead: bench.overhead" | tee -a "$LOG"
$PY -m bench.overhead --model tiny base 2>&1 | tee -a "$LOG" || status=1
if [ -n "${OUT:-}" ]; then cp bench/out/overhead.json "$LOG" "$OUT/" 2>/dev/null; fi
section compile --only throughput --variants project project+compile "$@"
exit $status
