"""Shared test set-up: offline hub, paths to fixtures and the shared data root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = (ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "anercorp" / "train.txt").is_file():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
