#!/usr/bin/env bash
# The GPU benchmark set: baseline (run_ner.py defaults) and project in the same run, under 8 minutes on one H100.
# Prepare here first (needs the project's venv and data): make bench-gpu-prep   -> bench/data/ (git-ignored)
# On the device, carry it:  run(command="bash bench/gpu.sh", carry=["bench/data"])
# Needs only torch, transformers, accelerate, numpy, safetensors; no network. Extra arguments go to every
# bench.gpu call. Sections run in order of importance, each its own process writing <section>.json under
# bench/out/ (or $BENCH_OUT), copied to $OUT at once when set, so a run stopped at its time limit keeps what
# it finished; the log is gpu-log.txt beside them. Path check on a CPU, leaving bench/out/ alone, with the
# packages the device lacks hidden (bench/without_extras/sitecustomize.py):
#   PYTHONPATH=bench/without_extras BENCH_OUT=/tmp/gpu-check PY=.venv/bin/python bash bench/gpu.sh --size tiny --repeats 1
#   (BENCH_COMPILE=1: + compile)
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1
if [ ! -f bench/data/anercorp.pt ] || [ ! -f bench/data/ant-sentences.json ]; then
  echo "bench/data/ is missing or old: run 'make bench-gpu-prep' and carry bench/data" >&2
  exit 2
fi
RESULTS=${BENCH_OUT:-bench/out}
mkdir -p "$RESULTS"
LOG=$RESULTS/gpu-log.txt
: >"$LOG"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$LOG"
status=0
section() {
  local name=$1
  shift
  echo "== $name: bench.gpu $*" | tee -a "$LOG"
  $PY -m bench.gpu --out "gpu-$name.json" "$@" 2>&1 | tee -a "$LOG" || status=1
  if [ -n "${OUT:-}" ]; then cp "$RESULTS/gpu-$name.json" "$LOG" "$OUT/" 2>/dev/null; fi
}
section throughput --only throughput --variants baseline project project+nodrop project+nodrop+fill "$@"
section quality --only quality --quality-seeds 0 1 2 "$@"
section inference --only inference "$@"
echo "== overhead: bench.overhead" | tee -a "$LOG"
models=tiny  # the BERT-base rows only where a GPU runs them in seconds
command -v nvidia-smi >/dev/null && models="tiny base"
$PY -m bench.overhead --profile --model $models 2>&1 | tee -a "$LOG" || status=1
if [ -n "${OUT:-}" ]; then cp "$RESULTS/overhead.json" "$LOG" "$OUT/" 2>/dev/null; fi
# torch.compile: measured once (bench/RESULTS.md G1: 41-137 s of compiling, recompiles on new widths); opt in
# with BENCH_COMPILE=1, so the default set stays within the 8-minute budget.
if [ "${BENCH_COMPILE:-0}" = 1 ]; then
  section compile --only throughput --variants project project+compile "$@"
fi
exit $status
