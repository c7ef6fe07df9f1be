"""The built wheel works installed, away from the checkout: label sets and every other run-time file ship
inside the package, ``Tagger`` tags with models, and the ``arabic-train`` console script runs ``tag``.

The wheel is built from a copy of the sources (the checkout gets no ``build/`` or ``*.egg-info``),
installed with ``pip --target`` into an empty folder, and run by ``python -S`` from a folder outside the
repository: without the site module no ``.pth`` file runs, so the venv's editable install of the checkout
cannot shadow the installed package; the venv's site-packages are on ``PYTHONPATH`` after it, for the
dependencies only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_5aed8b592000b0fd.txt"
RECORD_KEYS = {"id", "source", "entities", "claims"}
ENTITY_KEYS = {"text", "label", "start", "end", "score"}

# run inside the installed package: where it was imported from, where a relative config path points, and
# what Tagger gives for article.txt
TAGGER_SCRIPT = """
import json, sys
import train
from train.config import resolve_path
from train.inference.tagger import Tagger
text = open("article.txt", encoding="utf-8").read()
[record] = Tagger(ner=sys.argv[1], claims=sys.argv[2])([text])
print(json.dumps({"file": train.__file__, "runs": str(resolve_path("runs")), "record": record}, ensure_ascii=False))
"""
# the console script as pip wrote it, run in a process that first records where train comes from
CONSOLE_SCRIPT = """
import runpy, sys
import train
print(train.__file__, file=sys.stderr)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the sources and installed into an empty folder; the folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(ROOT / "train", source / "train", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    _run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp / "dist"), str(source)], cwd=tmp)
    [wheel] = (tmp / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for data in ("train/data/labels.yaml", "train/claims/lexicon.yaml", "train/reporting/citations.bib"):
            assert data in names, data
        [entry_points] = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        assert "arabic-train = train.cli:main" in archive.read(entry_points).decode()
    target = tmp / "target"
    _run([*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)], cwd=tmp)
    return target


def _outside_env(target: Path) -> dict[str, str]:
    """The installed package first, then the venv's site-packages for the dependencies; offline."""
    site = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(PYTHONPATH=os.pathsep.join([str(target), *site]), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    return env


@pytest.mark.slow  # 27-57 s of its own on a loaded 2-core machine, plus the tiny models
def test_the_installed_wheel_tags_with_models(installed: Path, ner_model: Path, claims_model: Path, tmp_path: Path) -> None:
    from train.inference.tagger import Tagger

    work = tmp_path / "elsewhere"  # pytest's temporary folder: outside the repository
    work.mkdir()
    text = SEED.read_text(encoding="utf-8")
    (work / "article.txt").write_text(text, encoding="utf-8")
    env = _outside_env(installed)

    done = _run([sys.executable, "-S", "-c", TAGGER_SCRIPT, str(ner_model), str(claims_model)], cwd=work, env=env)
    result = json.loads(done.stdout.splitlines()[-1])
    assert Path(result["file"]).is_relative_to(installed), result["file"]
    assert Path(result["runs"]).resolve() == (work / "runs").resolve()  # installed, relative paths start here
    record = result["record"]
    assert set(record) == RECORD_KEYS
    assert record["entities"] and all(set(entity) == ENTITY_KEYS for entity in record["entities"])
    assert record["claims"] and all({"text", "value", "entity"} <= set(claim) for claim in record["claims"])
    [here] = Tagger(ner=ner_model, claims=claims_model)([text])
    assert (record["entities"], record["claims"]) == (here["entities"], here["claims"])

    script = installed / "bin" / "arabic-train"
    assert script.is_file(), sorted(p.name for p in installed.iterdir())
    command = [sys.executable, "-S", "-c", CONSOLE_SCRIPT, str(script), "tag", "--ner", str(ner_model)]
    done = _run([*command, "--claims", str(claims_model), "article.txt"], cwd=work, env=env)
    assert Path(done.stderr.splitlines()[0]).is_relative_to(installed), done.stderr
    [line] = done.stdout.splitlines()
    tagged = json.loads(line)
    assert tagged["id"] == "article" and tagged["source"] == "article.txt"
    assert (tagged["entities"], tagged["claims"]) == (record["entities"], record["claims"])
