"""The typed run configuration: YAML files under ``configs/`` plus dotted ``key=value`` overrides.

One :class:`RunConfig` describes a whole run: ``data`` (the sources, :mod:`train.config.data`),
``silver``, ``model`` (:mod:`train.config.schema`) and ``train``, whose ``engine`` selects the section of
engine settings (:mod:`train.config.engines`). :mod:`train.config.loading` reads the files (``extends``,
source sets, paths relative to each file, overrides) and saves the resolved config beside an output.
"""

from train.config.base import (
    DATA_ROOT_ENV,
    DEFAULT_DATA_ROOT,
    PROJECT_ROOT,
    ConfigError,
    Layer,
    Strict,
    resolve_path,
)
from train.config.data import FORMATS, DataConfig, SilverConfig, SourceConfig
from train.config.engines import (
    MOVED,
    SHARED_ARGUMENTS,
    FastSection,
    FastTrain,
    LinkerSection,
    TrainConfig,
    TrainerSection,
    TrainerTrain,
    translate_flat_keys,
)
from train.config.loading import (
    SAVED_NAME,
    apply_overrides,
    dotted_items,
    load_config,
    load_settings,
    read_saved,
    save_config,
)
from train.config.schema import ModelConfig, NormalizeConfig, RunConfig, TinyModelConfig

__all__ = [
    "DATA_ROOT_ENV",
    "DEFAULT_DATA_ROOT",
    "FORMATS",
    "MOVED",
    "PROJECT_ROOT",
    "SAVED_NAME",
    "SHARED_ARGUMENTS",
    "ConfigError",
    "DataConfig",
    "FastSection",
    "FastTrain",
    "Layer",
    "LinkerSection",
    "ModelConfig",
    "NormalizeConfig",
    "RunConfig",
    "SilverConfig",
    "SourceConfig",
    "Strict",
    "TinyModelConfig",
    "TrainConfig",
    "TrainerSection",
    "TrainerTrain",
    "apply_overrides",
    "dotted_items",
    "load_config",
    "load_settings",
    "read_saved",
    "resolve_path",
    "save_config",
    "translate_flat_keys",
]
