"""Shared test set-up: offline hub, paths to fixtures and the shared data root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from train.config import load_config

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

settings.register_profile("default", deadline=None)  # a busy 2-core runner is slow, not wrong
settings.register_profile("long", deadline=None, max_examples=2000)  # the slow fuzz tests (tests/test_fuzz.py)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = load_config("configs/data.yaml").data_root()  # data.root, else $ARABIC_DATA_ROOT, else ../shared/data


def tiny_fit_args(data_dir: Path, run_dir: Path, *extra: str) -> list[str]:
    """``python -m train fit configs/tiny.yaml`` arguments writing into ``run_dir``."""
    return ["fit", "configs/tiny.yaml", f"data.output={data_dir}", f"train.output_dir={run_dir}", *extra]


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny dataset (seed gold + fixtures), built once through the command line."""
    from train.cli import main

    output = tmp_path_factory.mktemp("tiny") / "data"
    assert main(["data", "configs/tiny.yaml", f"data.output={output}"]) == 0
    return output


def _trained(data_dir: Path, run_dir: Path, task: str) -> Path:
    from train.cli import main

    assert main(tiny_fit_args(data_dir, run_dir, f"train.task={task}", "train.epochs=15")) == 0
    return run_dir / "model"


@pytest.fixture(scope="session")
def ner_model(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny NER model that has memorized the seed article (it is in the tiny training split)."""
    return _trained(data_dir, tmp_path_factory.mktemp("run") / "ner", "ner")


@pytest.fixture(scope="session")
def claims_model(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _trained(data_dir, tmp_path_factory.mktemp("run") / "claims", "claims")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "anercorp" / "train.txt").is_file():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
