"""The refactor guard: what the commands produce now equals the outputs stored in
``tests/fixtures/behaviour/`` (regenerate them with ``python tools/behaviour.py record`` when behaviour
is meant to change, in a commit of its own that says why)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("behaviour", ROOT / "tools" / "behaviour.py")
behaviour = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(behaviour)


def test_normalizer_outputs_are_unchanged() -> None:
    assert behaviour.normalizer_outputs() == (behaviour.STORED / "normalizer.jsonl").read_text(encoding="utf-8")


def test_rule_tagger_outputs_on_the_gold_articles_are_unchanged() -> None:
    built = behaviour.rules_outputs().splitlines()
    stored = (behaviour.STORED / "rules-gold.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(built) == len(stored) == 40
    for new, old in zip(built, stored, strict=True):
        assert json.loads(new) == json.loads(old)


def test_a_changed_output_is_reported(tmp_path: Path) -> None:
    stored = {name: (behaviour.STORED / name).read_text(encoding="utf-8") for name in ("smoke.json", "tag-seed.jsonl")}
    smoke = json.loads(stored["smoke.json"])
    smoke["runs"]["ner-fast"]["weights_sha256"] = "0" * 64
    smoke["runs"]["claims-trainer"]["metrics"]["test"]["accuracy"] = 0.0
    changed = {"smoke.json": json.dumps(smoke), "tag-seed.jsonl": stored["tag-seed.jsonl"] + "{}\n"}
    problems = behaviour.differences(changed)
    assert "smoke.json: the metrics of run claims-trainer differ" in problems
    assert any(p.startswith("tag-seed.jsonl differs") for p in problems)
    assert any("weights of run ner-fast" in p for p in problems) == (smoke["machine"] == behaviour.machine())


@pytest.mark.slow
def test_smoke_runs_silver_and_tag_are_unchanged(tmp_path: Path) -> None:
    """Four smoke trainings (both tasks, both engines), ``tag`` on the seed and the silver corpus,
    rebuilt through the command line; weights compared where the stored ones came from this kind of CPU."""
    assert behaviour.differences(behaviour.outputs(tmp_path)) == []
