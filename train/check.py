"""``python -m train check CONFIG [key=value ...]``: what a config resolves to, checked, with nothing built.

Prints the resolved configuration (as ``fit`` and ``data`` save it), then each data source with its
role (gold, silver, augmented), format, split setting and layers, and the documents and sentences it
gives each split (its files read and split as ``data`` does, copies held out elsewhere removed, nothing
written), then the problems, one line each. Returns 0 when there is none, 2 otherwise.

Problems: a config that does not load (an unknown key, a key of the engine not selected, an unknown
source format, a bad value), a source whose files are missing, a local ``model.base`` folder that is
not there. Notes, not problems: a silver or augmented source whose files are this config's own silver
outputs (``silver.output``, ``silver.augment_output``) not built yet, since building them is the
pipeline's next step (``make silver``), not a fault of the config; a hub id as ``model.base``, which is
not looked up (the hub may be out of reach; ``fit`` fails in seconds if it is).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from train.config import ConfigError, RunConfig, SourceConfig, load_config, resolve_path
from train.data.dataset import SPLITS, assign_splits, remove_leaks
from train.data.readers import read_source
from train.errors import DataError
from train.reporting.tables import text_table

SILVER_HINT = "not built yet: run make silver (python -m train silver CONFIG)"


def _not_built(config: RunConfig, source: SourceConfig) -> bool:
    """A silver or augmented source whose files are this config's silver outputs, not written yet."""
    outputs = {config.path(config.silver.output), config.path(config.silver.augment_output)}
    path = config.path(source.path)
    return source.role in ("silver", "augmented") and path in outputs and not path.is_file()


def _model_lines(config: RunConfig) -> tuple[list[str], list[str]]:
    """(problems, notes) about ``model.base``."""
    if config.model.tiny:
        return [], []
    base = config.model.base
    if resolve_path(base).is_dir():
        return [], []
    if base.startswith((".", "/", "~")) or base.count("/") != 1:
        return [f"model.base: no folder {resolve_path(base)}; download the base model there or give a hub id"], []
    return [], [f"model.base {base}: a hub id, not looked up here (fit loads it, or stops in seconds when offline)"]


def source_counts(config: RunConfig) -> tuple[dict[str, Counter], list[str], list[str]]:
    """Per source, ``{(split, "documents"|"sentences"): n}`` as ``data`` would split them; and the
    problems and notes of reading the sources."""
    problems, notes, assigned = [], [], []
    for source in config.data.sources:
        if _not_built(config, source):
            notes.append(f"source '{source.name}' ({source.role}): {SILVER_HINT}")
            continue
        try:
            assigned += assign_splits(read_source(config, source), source, config)
        except DataError as error:
            problems.append(str(error))
    counts: dict[str, Counter] = {source.name: Counter() for source in config.data.sources}
    for item in remove_leaks(assigned):
        counts[item.article.source][item.split, "documents"] += 1
        counts[item.article.source][item.split, "sentences"] += len(item.article.sentences)
    return counts, problems, notes


def check(config_path: str | Path, overrides: list[str] | None = None) -> int:
    """Print what ``config_path`` with ``overrides`` resolves to and its problems; 0 when there are none."""
    try:
        config = load_config(config_path, overrides)
    except (ConfigError, DataError) as error:  # DataError: a config file that is not UTF-8 text
        header, *lines = str(error).splitlines()
        if header.endswith(": invalid configuration"):  # then one indented line a problem
            where = header.removesuffix(": invalid configuration")
            for line in lines:
                print(f"problem: {where}: {line.strip()}")
        else:
            print(f"problem: {error}")
        return 2
    print(yaml.safe_dump(config.model_dump(mode="json"), allow_unicode=True, sort_keys=False).rstrip())
    print(f"\ndata root: {config.data_root()}\n")
    counts, problems, notes = source_counts(config)
    header = ["source", "role", "format", "split", "layers"] + [f"{split} docs/sents" for split in SPLITS]
    rows = [
        [s.name, s.role, s.format, s.split, "+".join(s.layers)]
        + [f"{counts[s.name][split, 'documents']:,}/{counts[s.name][split, 'sentences']:,}" for split in SPLITS]
        for s in config.data.sources
    ]
    print(text_table(header, rows, rule=None) if config.data.sources else "no data.sources")
    model_problems, model_notes = _model_lines(config)
    problems += model_problems
    for line in notes + model_notes:
        print(f"note: {line}")
    for line in problems:
        print(f"problem: {line}")
    print(f"{len(problems)} problem(s)" if problems else "config OK")
    return 2 if problems else 0
