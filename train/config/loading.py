"""Reading a run config: YAML files, ``extends``, source sets, overrides, paths, and errors that say where.

* ``extends: FILE`` (from the file's folder): the two are merged key by key, the extending file winning
  (a list, such as ``data.sources``, is replaced whole).
* An item ``{include: FILE}`` of ``data.sources`` stands for the list of sources in FILE (from the
  including file's folder), a named source set such as ``configs/sources/anercorp.yaml``.
* Paths (:data:`PATH_KEYS`): a relative path in a file is read from that file's folder, one in an
  override from the working directory; a path under ``{data_root}`` is left to the data root. Each is
  stored as :mod:`train.config.base` says (relative to the project root, or absolute).
* A file named ``run_config.yaml`` is a saved config (``fit`` and ``data`` write one beside their
  outputs, :func:`save_config`): its paths are stored already, and one written with the flat train keys
  of an earlier version is read through :func:`train.config.engines.translate_flat_keys` (logged once).

Every section forbids unknown keys, so a typo is an error naming the key, the file and the closest valid key.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from train.config.base import CONFIG_LINE, IN_CHECKOUT, PROJECT_ROOT, ConfigError, resolve_path
from train.config.engines import TRAIN_MODELS, translate_flat_keys
from train.config.schema import RunConfig
from train.io import atomic_write_text, read_text

log = logging.getLogger(__name__)
SettingsT = TypeVar("SettingsT", bound=BaseModel)
SAVED_NAME = "run_config.yaml"
PATH_KEYS = {
    ("data", "root"),
    ("data", "output"),
    ("data", "sources", "*", "path"),
    ("data", "sources", "*", "corpus"),
    ("silver", "corpus"),
    ("silver", "output"),
    ("silver", "augment_output"),
    ("silver", "exclude", "*"),
    ("train", "output_dir"),
    ("model", "base"),
}
_translated: set[Path] = set()


def _stored(value: str, folder: Path, *, model: bool = False) -> str:
    """A path of a config as stored: ``value`` read from ``folder`` (a ``model.base`` that is no folder
    there and reads as ``org/name`` stays a hub id)."""
    if "{data_root}" in value or value.startswith("~") or Path(value).is_absolute():
        return value
    joined = Path(os.path.normpath(folder / value))
    if model and not joined.is_dir() and not value.startswith(".") and value.count("/") == 1:
        return value
    return os.path.relpath(joined, PROJECT_ROOT) if IN_CHECKOUT else str(joined)


def _rebase(node: Any, folder: Path, where: tuple = ()) -> Any:
    """``node`` (the config or a part of it at ``where``) with its relative paths read from ``folder``."""
    if isinstance(node, dict):
        return {key: _rebase(value, folder, (*where, key)) for key, value in node.items()}
    if isinstance(node, list):
        return [_rebase(value, folder, (*where, "*")) for value in node]
    if isinstance(node, str) and where in PATH_KEYS:
        return _stored(node, folder, model=where == ("model", "base"))
    return node


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _load_yaml(path: Path, seen: tuple[Path, ...], key: str = "extends") -> Any:
    """The YAML of ``path``, reached from ``seen[-1]`` through ``key`` (``extends`` or ``include``)."""
    if not path.is_file():
        named = f" ({'extended' if key == 'extends' else 'included'} by {seen[-1]})" if seen else ""
        raise ConfigError(f"{path}: config file not found{named}")
    if path in seen:
        raise ConfigError(f"{path}: '{key}' loops back to itself")
    try:
        return yaml.safe_load(read_text(path)) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None


def _sources(items: Any, path: Path, seen: tuple[Path, ...]) -> Any:
    """``data.sources`` of ``path`` with each ``{include: FILE}`` replaced by the sources FILE lists."""
    if not isinstance(items, list):
        return items
    sources = []
    for index, item in enumerate(items):
        if not (isinstance(item, dict) and "include" in item):
            sources.append(item)
            continue
        if set(item) != {"include"} or not isinstance(item["include"], str):
            raise ConfigError(f"{path}: data.sources.{index}: an include is {{include: FILE}} alone, got {item}")
        included = (path.parent / item["include"]).resolve()
        listed = _load_yaml(included, (*seen, path), "include")
        if not isinstance(listed, list):
            raise ConfigError(f"{included}: a source set is a YAML list of sources (included by {path})")
        sources += _sources(_rebase(listed, included.parent, ("data", "sources")), included, (*seen, path))
    return sources


def _read_yaml(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    raw = _load_yaml(path, seen)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    parent = raw.pop("extends", None)
    raw = _rebase(raw, path.parent)
    if isinstance(raw.get("data"), dict) and "sources" in raw["data"]:
        raw["data"] = {**raw["data"], "sources": _sources(raw["data"]["sources"], path, seen)}
    if parent is None:
        return raw
    return _merge(_read_yaml((path.parent / parent).resolve(), (*seen, path)), raw)


def read_saved(path: Path) -> dict:
    """A saved ``run_config.yaml`` as raw sections in the current shape (see the module docstring)."""
    raw = _load_yaml(path, ())
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    raw, changes = translate_flat_keys(raw)
    if changes and path not in _translated:
        _translated.add(path)
        log.info("%s: written with the flat train keys of an earlier version, read as %s", path, "; ".join(changes))
    return raw


def _parse_override(text: str) -> tuple[list[str], Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ConfigError(f"override '{text}': expected dotted section.key=value, e.g. train.epochs=5")
    return key.split("."), yaml.safe_load(value) if value else ""


def apply_overrides(raw: dict, overrides: list[str]) -> dict:
    """``raw`` with each dotted ``key=value`` set; a number picks an item of a list (``data.sources.0.path=...``);
    a relative path is read from the working directory."""
    raw = dict(raw)
    for text in overrides:
        keys, value = _parse_override(text)
        value = _rebase(value, Path.cwd(), tuple("*" if key.isdigit() else key for key in keys))
        node: Any = raw
        for depth, key in enumerate(keys):
            if isinstance(node, list):
                if not key.isdigit() or int(key) >= len(node):
                    where = ".".join(keys[:depth])
                    raise ConfigError(
                        f"override '{text}': {where} is a list of {len(node)}; give an index from 0 to {len(node) - 1}"
                    )
                key = int(key)
            if depth == len(keys) - 1:
                node[key] = value
                break
            child = node[key] if isinstance(node, list) else node.get(key)
            node[key] = list(child) if isinstance(child, list) else dict(child) if isinstance(child, dict) else {}
            node = node[key]
    return raw


def _fields_at(location: tuple, model: type[BaseModel]) -> list[str]:
    """Valid keys of the (nested) model at an error location (the engine tag of ``train`` included)."""
    parts = list(location[:-1])
    while parts:
        part = parts.pop(0)
        if isinstance(part, int):
            continue
        if model is RunConfig and part == "train":
            model = TRAIN_MODELS[parts.pop(0)] if parts and parts[0] in TRAIN_MODELS else TRAIN_MODELS["trainer"]
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        annotation = field.annotation
        for candidate in getattr(annotation, "__args__", (annotation,)):
            inner = getattr(candidate, "__args__", (candidate,))
            found = [c for c in inner if isinstance(c, type) and issubclass(c, BaseModel)]
            if found:
                model = found[0]
                break
        else:
            return []
    return list(model.model_fields)


def _describe(error: ValidationError, source: str, root: type[BaseModel] = RunConfig) -> str:
    lines = [f"{source}: invalid configuration"]
    for item in error.errors():
        location = tuple(item["loc"])
        shown = location
        if root is RunConfig and len(location) > 1 and location[0] == "train" and location[1] in TRAIN_MODELS:
            shown = ("train", *location[2:])  # pydantic names the engine picked; the file does not
        dotted = ".".join(str(p) for p in shown)
        if item["type"] == CONFIG_LINE:
            lines.append(f"  {item['msg']}")
        elif item["type"] == "extra_forbidden":
            valid = _fields_at(location, root) + (["extends"] if len(location) == 1 else [])
            close = difflib.get_close_matches(str(location[-1]), valid, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            lines.append(f"  unknown key '{dotted}'{hint} (valid keys here: {', '.join(valid)})")
        else:
            given = item.get("input")
            lines.append(f"  {dotted}: {item['msg']}" + ("" if isinstance(given, dict) else f" (got {given!r})"))
    return "\n".join(lines)


def _find(path: str | Path) -> Path:
    """``path`` from the working directory, else from the project root."""
    return Path(path).resolve() if Path(path).is_file() else resolve_path(path)


def load_config(path: str | Path, overrides: list[str] | None = None) -> RunConfig:
    """Load, merge, override and validate one run configuration (``path`` from the working directory,
    else from the project root; a saved ``run_config.yaml`` as the module docstring says)."""
    path = _find(path)
    raw = read_saved(path) if path.name == SAVED_NAME else _read_yaml(path)
    raw = apply_overrides(raw, overrides or [])
    source = str(path) + (f" with overrides {' '.join(overrides)}" if overrides else "")
    try:
        return RunConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error, source)) from None


def load_settings(path: str | Path, model: type[SettingsT], overrides: Mapping[str, Any] | None = None) -> SettingsT:
    """A small YAML file of settings of its own (not a run config, e.g. ``tag --thresholds``) validated as
    ``model``, with the same errors as :func:`load_config`; ``overrides`` replace keys of the file."""
    path = _find(path)
    raw = {**_read_yaml(path), **(overrides or {})}
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error, str(path), model)) from None


def dotted_items(value: Any, name: str = "") -> list[tuple[str, Any]]:
    """Dotted keys for nested mappings (as overrides name them), ``[i]`` for lists of mappings; other values stay whole."""
    if isinstance(value, Mapping) and value:
        prefix = f"{name}." if name else ""
        return [row for key, item in value.items() for row in dotted_items(item, f"{prefix}{key}")]
    if isinstance(value, list) and value and all(isinstance(item, Mapping) for item in value):
        return [row for i, item in enumerate(value) for row in dotted_items(item, f"{name}[{i}]")]
    return [(name, value)]


def save_config(config: RunConfig, directory: Path, name: str = SAVED_NAME) -> Path:
    """Write the resolved configuration next to an output, atomically (its paths as stored)."""
    text = yaml.safe_dump(config.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    return atomic_write_text(directory / name, text)
