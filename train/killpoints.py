"""Test-only kill points: ``ARABIC_TRAIN_KILL_AT=NAME[:N]`` makes the process kill itself with a real
``SIGKILL`` the ``N``-th time (default the first) it reaches the point ``NAME``, so that tests can stop a
run at an exact place (a tiny checkpoint is written too fast to hit from outside).

Points: ``step`` (after an optimizer step, both engines), ``checkpoint-file`` (between two files of a
checkpoint), ``model-folder`` (the model folder written whole, not yet renamed into place),
``atomic-write`` (a file's temporary written, not yet renamed), ``atomic-directory`` (a folder's
temporary filled, not yet renamed into place; the final ``model/`` folder, ``data``...).
Unset, a point costs one environment lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

VARIABLE = "ARABIC_TRAIN_KILL_AT"
_reached: Counter[str] = Counter()


def kill_point(name: str) -> None:
    wanted = os.environ.get(VARIABLE)
    if not wanted:
        return
    _reached[name] += 1
    point, _, count = wanted.partition(":")
    if point == name and _reached[name] == int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
