"""What every config section shares: the strict base model, the error type, and where paths resolve.

A path in a :class:`~train.config.RunConfig` is stored relative to :data:`PROJECT_ROOT` (or absolute):
the loader (:mod:`train.config.loading`) rewrites each relative path of a config file from the file's
own folder to that form, so that the resolved config, and the ``run_config.yaml`` saved beside every
output, mean the same files from any working directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

from train.errors import UserError

_CHECKOUT = Path(__file__).resolve().parents[2]
IN_CHECKOUT = (_CHECKOUT / "pyproject.toml").is_file()
# The source checkout holding this package; an installed package (no pyproject.toml beside it) has none,
# and stores the paths of a config as absolute paths instead.
PROJECT_ROOT = _CHECKOUT if IN_CHECKOUT else Path()
DATA_ROOT_ENV = "ARABIC_DATA_ROOT"
DEFAULT_DATA_ROOT = "../shared/data"  # relative to the project root

Layer = Literal["ner", "claims"]
CONFIG_LINE = "config_line"  # a validation error whose message is a whole line of its own (key included)


class ConfigError(UserError, ValueError):
    """A configuration the user must fix; the message says where and how."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def config_line(message: str) -> PydanticCustomError:
    """A validation error printed as ``message`` alone (it names its key itself)."""
    return PydanticCustomError(CONFIG_LINE, message)


def resolve_path(path: str | Path) -> Path:
    """A stored path (see the module docstring) as an absolute path."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else Path(os.path.normpath((PROJECT_ROOT / path).absolute()))
