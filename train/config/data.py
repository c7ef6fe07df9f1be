"""The ``data`` and ``silver`` sections: the sources a dataset is built from, and the silver corpus."""

from __future__ import annotations

import codecs
from typing import Literal

from pydantic import Field, model_validator

from train.config.base import DATA_ROOT_ENV, DEFAULT_DATA_ROOT, Layer, Strict

FORMATS = ("jsonl", "conll", "standoff", "label-studio", "doccano")


class SourceConfig(Strict):
    """One input of the dataset: a file (or glob) in one of the supported formats."""

    name: str
    format: Literal[FORMATS]
    path: str = Field(description="file or glob; '{data_root}' is replaced, relative paths start at the config file")
    corpus: str | None = Field(None, description="standoff only: the JSONL corpus (glob) its ids resolve against")
    split: Literal["auto", "train", "validation", "test", "train+validation"] = "auto"
    layers: list[Layer] = Field(default_factory=lambda: ["ner", "claims"], description="layers this source annotates")
    role: Literal["gold", "silver", "augmented"] = Field(
        "gold",
        description="gold: annotated by hand; silver: tagged by the rules (`python -m train silver`); augmented: "
        "sentences made from silver ones (train/claims/augment.py). Shown by `python -m train check`",
    )
    repeat: int = Field(
        1,
        ge=1,
        description="train split only: each of its sentences is put this many times into train (weights a small "
        "hand-annotated source against a large silver one); validation and test take each once",
    )
    block_size: int = Field(50, ge=1, description="conll only: consecutive sentences grouped into one pseudo-article")
    label_map: dict[str, str] = Field(default_factory=dict, description="conll only: rename entity types; 'O' drops one")
    description: str = ""
    license: str = ""
    url: str = ""
    obtain: str = Field("", description="where a user gets this source when it is missing")
    encoding: str = Field(
        "utf-8", description="the text encoding of its files (and a standoff corpus), e.g. cp1256; read strictly"
    )

    @model_validator(mode="after")
    def _known_encoding(self) -> SourceConfig:
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise ValueError(f"unknown encoding '{self.encoding}' (e.g. utf-8, cp1256, utf-16)") from None
        return self

    @model_validator(mode="after")
    def _corpus_for_standoff(self) -> SourceConfig:
        if self.format == "standoff" and not self.corpus:
            raise ValueError("a standoff source needs 'corpus': the JSONL articles its ids point into")
        return self


class DataConfig(Strict):
    root: str | None = Field(
        None,
        description=f"the data root '{{data_root}}' stands for (relative: from the config file); unset: ${DATA_ROOT_ENV} "
        f"(relative: from the working directory), else {DEFAULT_DATA_ROOT} (from the project root)",
    )
    output: str = "runs/data"
    seed: int = 13
    validation_fraction: float = Field(0.1, ge=0, lt=1)
    test_fraction: float = Field(0.1, ge=0, lt=1)
    sources: list[SourceConfig] = Field(
        default_factory=list, description="each a source, or {include: FILE}: the sources listed in FILE (a source set)"
    )

    @model_validator(mode="after")
    def _leaves_training_data(self) -> DataConfig:
        if self.validation_fraction + self.test_fraction >= 1:
            raise ValueError(
                f"validation_fraction ({self.validation_fraction}) + test_fraction ({self.test_fraction}) must be below 1, "
                "or nothing is left for training"
            )
        return self


class SilverConfig(Strict):
    corpus: str = "{data_root}/ant-news/*.jsonl"
    corpus_name: str = Field("ant-news", description="the name the silver records give their corpus ('corpus' field)")
    output: str = "runs/silver/ant-news.claims.jsonl"
    exclude: list[str] = Field(
        default_factory=list,
        description="files naming articles kept out of the silver entirely (gold to be, annotated or chosen): "
        "JSONL (each line's id) or a selection JSON (the ids of every list's articles, tools/select_articles.py)",
    )
    limit: int | None = Field(None, ge=1, description="only the first N articles (for quick runs)")
    augment: int = Field(
        0, ge=0, description="mention-replaced sentences to write beside the silver (train/claims/augment.py); 0: none"
    )
    augment_output: str = "runs/silver/ant-news.augmented.jsonl"
