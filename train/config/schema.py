"""The ``model`` section and :class:`RunConfig`, the whole typed run configuration."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator

from train.config.base import DATA_ROOT_ENV, DEFAULT_DATA_ROOT, Strict, resolve_path
from train.config.data import DataConfig, SilverConfig
from train.config.engines import TrainConfig, TrainerTrain, check_engine_keys


class NormalizeConfig(Strict):
    remove_diacritics: bool = True
    remove_tatweel: bool = True
    western_digits: bool = Field(
        True,
        description="read Arabic-Indic (٠-٩) and Persian (۰-۹) digits as 0-9, one character for one (offsets hold): "
        "Arabic news, and so the models, mostly use 0-9; vocabularies may lack Persian digits altogether",
    )


class TinyModelConfig(Strict):
    """A small BERT built in code with a WordPiece tokenizer trained on the dataset: no download."""

    vocab_size: int = 2000
    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 2
    intermediate_size: int = 128
    max_position_embeddings: int = 256


class ModelConfig(Strict):
    base: str = Field(
        "CAMeL-Lab/bert-base-arabic-camelbert-msa",
        description="a hub id, or a local folder (relative: from the config file; a relative path that is not a "
        "folder there is read as a hub id)",
    )
    tiny: TinyModelConfig | None = None
    max_length: int = Field(512, ge=16)
    normalize: NormalizeConfig = Field(default_factory=NormalizeConfig)
    license: str = Field(
        "apache-2.0",
        description="the licence the model card declares for the trained model (a hub licence id, e.g. cc-by-sa-4.0); "
        "check it against the licences of the base model and the training data",
    )


class RunConfig(Strict):
    data: DataConfig = Field(default_factory=DataConfig)
    silver: SilverConfig = Field(default_factory=SilverConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    train: TrainConfig = Field(default_factory=TrainerTrain)

    @field_validator("train", mode="before")
    @classmethod
    def _engine_keys(cls, train):
        return check_engine_keys(train)

    def data_root(self) -> Path:
        """``data.root``, else ``$ARABIC_DATA_ROOT`` (from the working directory), else ``../shared/data``
        (from the project root)."""
        if self.data.root:
            return resolve_path(self.data.root)
        if os.environ.get(DATA_ROOT_ENV):
            return Path(os.environ[DATA_ROOT_ENV]).expanduser().absolute()
        return resolve_path(DEFAULT_DATA_ROOT)

    def path(self, template: str) -> Path:
        """A configured path with ``{data_root}`` and ``{task}`` filled in, as an absolute path."""
        return resolve_path(template.format(data_root=self.data_root(), task=self.train.task))
