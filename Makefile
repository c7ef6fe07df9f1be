# Arabic NER and number-claim training. `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONUNBUFFERED := 1

.PHONY: help setup data silver train train-ner train-claims smoke mini claims-mini tag lint compat-envs test test-slow test-all bench bench-rules bench-quality bench-onnx bench-gpu-prep push clean
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	@# torch 2.13.0 first, only where none is installed: pip's default build, or TORCH_INDEX's (e.g. the CPU index)
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX),)
	$(PY) -m pip install -q -e '.[dev,onnx]'
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the project (skipped when up to date)

SILVER := runs/silver/ant-news.claims.jsonl
# Redone when the rules (train/claims/, the text splitting of train/data/text.py), the config and its source sets,
# the gold it holds out (data/gold/*.jsonl) or the articles silver.exclude names (data/gold/selection.json) change.
$(SILVER): $(STAMP) $(wildcard train/claims/*.py) train/claims/lexicon.yaml train/data/text.py configs/data.yaml \
		$(wildcard configs/sources/*.yaml) $(wildcard data/gold/*.jsonl) data/gold/selection.json
	$(PY) -m train silver configs/data.yaml

silver: $(SILVER) ## rule tagger over ant-news (silver claims) plus augmented sentences; redone when the rules change

data: $(SILVER) ## build the default dataset (seed gold, ANERcorp, gold, silver and augmented claims)
	$(PY) -m train data configs/data.yaml

train-ner: data ## fine-tune CAMeLBERT for NER (configs/ner.yaml)
	$(PY) -m train fit configs/ner.yaml $(ARGS)

train-claims: data ## fine-tune CAMeLBERT for number claims (configs/claims.yaml)
	$(PY) -m train fit configs/claims.yaml $(ARGS)

train: train-ner train-claims ## the main job: data, then both models with their cards [ARGS="key=value ..."]

smoke: $(STAMP) ## offline: tiny BERT for both tasks on seed + fixtures, then tag the seed article
	$(PY) -m train data configs/tiny.yaml
	$(PY) -m train fit configs/tiny.yaml train.task=ner
	$(PY) -m train fit configs/tiny.yaml train.task=claims
	$(PY) -m train tag --ner runs/tiny-ner/model --claims runs/tiny-claims/model seeds/ -o runs/tag/seeds.jsonl --table

mini: $(STAMP) ## offline quality check: the mini Arabic BERT on ANERcorp (configs/mini.yaml) [ARGS="key=value ..."]
	$(PY) -m train data configs/mini.yaml
	$(PY) -m train fit configs/mini.yaml $(ARGS)

claims-mini: data ## offline claims check: the mini BERT on gold + silver + augmented claims, against the rules on gold test
	$(PY) -m train fit configs/claims-mini.yaml
	$(PY) -m train evaluate runs/claims-mini/model --split test

tag: $(STAMP) ## tag seeds/ with the smoke models and print the claims table
	@test -d runs/tiny-claims/model || $(MAKE) smoke
	$(PY) -m train tag --ner runs/tiny-ner/model --claims runs/tiny-claims/model seeds/ -o runs/tag/seeds.jsonl --table

lint: $(STAMP) ## ruff: lint rules and formatting (what CI checks before the tests)
	$(PY) -m ruff check train tests bench tools
	$(PY) -m ruff format --check train tests bench tools

# The first and the last transformers 4.x release the saved model folders must load in (tests/test_compat.py).
COMPAT_TRANSFORMERS := 4.45.2 4.57.6
COMPAT_STAMPS := $(foreach v,$(COMPAT_TRANSFORMERS),runs/compat/transformers-$(basename $(v))/.installed)
runs/compat/transformers-%/.installed: $(STAMP) tests/compat/make_env.py
	$(PY) tests/compat/make_env.py runs/compat/transformers-$* transformers==$(filter $*.%,$(COMPAT_TRANSFORMERS))

compat-envs: $(COMPAT_STAMPS) ## transformers 4.45 and 4.57 beside .venv (its torch shared) for tests/test_compat.py

test: $(STAMP) ## the test suite (fast tests and the smoke training path)
	$(PY) -m pytest -q

test-slow: $(STAMP) ## only the slow tests (two-process training with accelerate, transformers 4.x loading); CI runs them after `make test`
	$(PY) -m pytest -q -m slow

test-all: $(STAMP) ## every test, slow ones included
	$(PY) -m pytest -q -m ""

bench: $(STAMP) ## CPU benchmarks against the run_ner.py recipe (bench/)
	$(PY) -m train data configs/mini.yaml
	$(PY) -m bench.cpu

bench-rules: $(STAMP) ## rule tagger scaling: unpunctuated text of 2k..1M characters, and all of ant-news (bench/out/rules_scaling.json)
	$(PY) -m bench.rules_scaling

bench-quality: $(STAMP) ## F1 and time to quality: project vs run_ner.py recipe, mini BERT, 3 seeds (long on CPU)
	$(PY) -m train data configs/mini.yaml
	$(PY) -m bench.quality

bench-onnx: $(STAMP) ## torch vs ONNX fp32 vs int8 on the CPU: label agreement, F1, articles/s (needs make mini, claims-mini)
	$(PY) -m bench.onnx

bench-gpu-prep: $(STAMP) ## write bench/data/ (encoded ANERcorp, mini BERT) for bench/gpu.sh; carry it to the GPU
	$(PY) -m train data configs/mini.yaml
	$(PY) -m bench.gpu_prep

push: $(STAMP) ## publish a model folder: make push MODEL=runs/ner/model REPO=org/name [DRY=1]
	$(PY) -m train push $(MODEL) --repo-id $(REPO) $(if $(DRY),--dry-run,)

clean: ## remove runs/ (datasets, models, checkpoints)
	rm -rf runs
