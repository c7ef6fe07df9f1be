"""Benchmarks of the project's fast path against the transformers run_ner.py recipe (see bench/RESULTS.md).

``python -m bench.cpu`` (make bench), ``python -m bench.quality`` (make bench-quality), ``bench/gpu.sh``
(GPU set; ``make bench-gpu-prep`` first). Each prints a table and writes JSON under ``bench/out/``.
Benchmarks are not tests: nothing in ``make test`` depends on them.
"""
