"""Build a transformers 4.x environment that shares this interpreter's torch (no torch download).

    python tests/compat/make_env.py runs/compat/transformers-4.57 transformers==4.57.6

A plain venv (no pip of its own: this interpreter's pip installs into it) whose site-packages holds
the requested packages and torch's own requirements from PyPI (not compiled to bytecode: half the
time); torch itself is reached through a ``.pth`` file naming a folder of symlinks to torch's files
alone, so nothing else of this interpreter's environment (transformers 5, huggingface_hub 1, ...)
leaks in. ``ENV/bin/python`` then
runs plain-transformers scripts such as ``tests/compat/load_check.py``; ``ENV/.installed`` marks a
finished build. Run with the project's ``.venv`` python (``make compat-envs``).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

TORCH_TOP_LEVEL = ("torch", "functorch", "torchgen")


def torch_requirements() -> list[str]:
    """torch's own requirements (extras left out), as pip takes them."""
    return [r for r in importlib.metadata.requires("torch") or [] if "extra ==" not in r]


def link_torch(folder: Path) -> None:
    """``folder``: symlinks to torch's packages and metadata in this interpreter's site-packages."""
    site = Path(importlib.metadata.distribution("torch").locate_file(""))
    folder.mkdir(parents=True)
    for path in [*(site / name for name in TORCH_TOP_LEVEL), *site.glob("torch-*.dist-info")]:
        if path.exists():
            (folder / path.name).symlink_to(path)


def build(env: Path, requirements: list[str]) -> float:
    """Create ``env`` afresh with ``requirements``; return the seconds it took."""
    started = time.perf_counter()
    shutil.rmtree(env, ignore_errors=True)
    venv.create(env, with_pip=False, symlinks=True)
    python = env / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True
    ).stdout.strip()
    link_torch(env / "torch-only")
    (Path(purelib) / "shared-torch.pth").write_text(str((env / "torch-only").resolve()) + "\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile", "--disable-pip-version-check"]
    subprocess.run([*pip, *requirements, *torch_requirements()], check=True)
    check = "import torch, transformers; print('torch', torch.__version__, 'transformers', transformers.__version__)"
    subprocess.run([python, "-c", check], check=True)
    (env / ".installed").write_text(" ".join(requirements) + "\n", encoding="utf-8")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("env", type=Path, help="the environment folder to (re)create")
    parser.add_argument("requirements", nargs="+", help="pip requirements, e.g. transformers==4.57.6")
    args = parser.parse_args()
    seconds = build(args.env, args.requirements)
    print(f"{args.env}: built in {seconds:.0f}s")


if __name__ == "__main__":
    main()
