"""Hides the packages the GPU machine lacks (``datasets``, ``seqeval``, ``pydantic``, ``evaluate``) from a
Python started with this folder on ``PYTHONPATH``, so a CPU run of ``bench/gpu.sh --size tiny`` checks that
the GPU set needs none of them:

    PYTHONPATH=bench/without_extras BENCH_OUT=/tmp/gpu-check PY=.venv/bin/python bash bench/gpu.sh --size tiny --repeats 1
"""

import importlib.abc
import importlib.util
import sys

HIDDEN = {"datasets", "seqeval", "pydantic", "evaluate"}


class _Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"{name} is hidden by bench/without_extras", name=name)
        return None


_find_spec = importlib.util.find_spec


def _find_spec_unless_hidden(name, package=None):
    """What libraries call to ask whether a package is installed (transformers does)."""
    return None if name.split(".")[0] in HIDDEN else _find_spec(name, package)


sys.meta_path.insert(0, _Hide())
importlib.util.find_spec = _find_spec_unless_hidden
