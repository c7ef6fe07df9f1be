"""The package's shape (docs/architecture.md): sub-packages in the order data flows, none importing a
later stage, every module documented, no module over 400 lines and no class over 150."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "train"
STAGES = ["data", "claims", "inference", "evaluation", "training", "reporting"]  # in the order data flows
FOUNDATION = {"config", "errors", "io", "killpoints"}  # importable from every stage; they import no stage
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 150
MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _stage(module: str) -> int | None:
    """The position of ``module``'s stage in :data:`STAGES`; the foundation is -1, the top level (cli) ``None``."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in FOUNDATION:
        return -1 if len(parts) > 1 and parts[1] in FOUNDATION else None
    return STAGES.index(parts[1]) if parts[1] in STAGES else None


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("train"):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("train")]
    return found


def test_every_stage_is_a_documented_package() -> None:
    for stage in STAGES:
        assert ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))), stage


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_documented_and_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = len(source.splitlines())
    problems = [] if ast.get_docstring(tree) else ["no module docstring"]
    problems += [f"{lines} lines (at most {MAX_MODULE_LINES})"] if lines > MAX_MODULE_LINES else []
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    problems += [
        f"class {node.name}: {node.end_lineno - node.lineno + 1} lines (at most {MAX_CLASS_LINES})"
        for node in classes
        if node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES
    ]
    assert not problems, f"{_name(path)}: {'; '.join(problems)}"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_import_from_a_later_stage(path: Path) -> None:
    here = _stage(_name(path))
    if here is None:
        return  # the top level (cli, steps) composes every stage
    for line, module in _imports(path):
        there = _stage(module)
        assert there is not None, f"{_name(path)}:{line} imports the top level {module}"
        assert there <= here, f"{_name(path)}:{line} imports {module}, a later stage"
