"""Silver claims data: the rule tagger run over ant-news articles, written as standoff JSONL.

One line per article: ``{"id", "corpus", "text_sha256", "spans"}`` with the ``claims`` spans of
:func:`train.claims.rules.find_claims` as character offsets into the article text; the texts themselves are
not copied (their licence keeps them out of the project), the hash ties the offsets to the text.
With ``augment`` > 0 it also writes that many mention-replaced sentences (:mod:`train.claims.augment`) in the
native JSONL format, from the articles not held out for validation or test. The articles that
``silver.exclude`` names (new gold, whether annotated yet or only chosen) are left out of both.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import islice
from pathlib import Path

from tqdm.auto import tqdm

from train.claims.augment import augment as augment_sentences
from train.claims.rules import find_claims
from train.config import RunConfig, SilverConfig
from train.data.dataset import held_out_ids
from train.data.readers import source_files
from train.data.readers.jsonl import read_json_lines
from train.data.readers.standoff import corpus_articles, text_sha256
from train.errors import DataError
from train.io import atomic_write_jsonl


def write_silver(
    corpus_files: list[Path],
    out_path: Path,
    *,
    limit: int | None = None,
    augment: int = 0,
    augment_path: Path | None = None,
    held_out: frozenset[str] = frozenset(),
    excluded: frozenset[str] = frozenset(),
    seed: int = 0,
    corpus_name: str = SilverConfig().corpus_name,
) -> dict:
    """Tag the articles of ``corpus_files`` (at most ``limit``) into ``out_path``; with ``augment``, write
    that many augmented sentences to ``augment_path`` from the articles not in ``held_out`` (with a path
    and ``augment`` 0, an empty file); the articles in ``excluded`` are skipped. Each line names its
    corpus ``corpus_name`` (``silver.corpus_name``). Return span counts per label (``augmented``: sentences written)."""
    if augment and augment_path is None:
        raise ValueError("augment needs augment_path")
    counts: Counter[str] = Counter()
    rows = []
    sources = []
    articles = islice(((i, t) for i, t in corpus_articles(corpus_files) if i not in excluded), limit)
    for doc_id, text in tqdm(articles, desc="silver claims", unit="article", total=limit, mininterval=2):
        spans = find_claims(text)
        counts.update(span.label for span in spans)
        if augment and doc_id not in held_out:
            sources.append((doc_id, text, spans))
        rows.append(
            {
                "id": doc_id,
                "corpus": corpus_name,
                "text_sha256": text_sha256(text),
                "spans": [span.to_dict() for span in spans],
            }
        )
    atomic_write_jsonl(Path(out_path), rows)
    if augment_path is not None:  # written with augment 0 too (empty), so no stale file stays behind
        augmented = augment_sentences(sources, augment, seed) if augment else []
        atomic_write_jsonl(Path(augment_path), augmented)
        counts["augmented"] = len(augmented)
    return dict(counts)


def listed_ids(path: Path) -> frozenset[str]:
    """The article ids a ``silver.exclude`` file names: each line's ``id`` of a JSONL file, or the ``id``
    of every ``articles`` entry of a selection JSON (``tools/select_articles.py``)."""
    expected = "silver.exclude expects JSONL with an 'id' per line or a selection JSON ({list: {'articles': [{'id': ...}]}})"
    if path.suffix == ".jsonl":
        ids = set()
        for number, record in read_json_lines(path):
            if "id" not in record:
                raise DataError(f"{path}:{number}: no 'id'; {expected}")
            ids.add(str(record["id"]))
    else:
        try:
            lists = json.loads(path.read_text(encoding="utf-8"))
            ids = {str(a["id"]) for value in lists.values() if isinstance(value, dict) for a in value.get("articles", [])}
        except (ValueError, AttributeError, KeyError, TypeError) as error:
            raise DataError(f"{path}: {expected}: {error}") from None
    if not ids:  # a file of another shape, or an empty one: excluding nothing would put its articles in silver
        raise DataError(f"{path}: names no article; {expected}")
    return frozenset(ids)


def silver_from_config(config: RunConfig) -> tuple[Path, dict]:
    """``make silver``: :func:`write_silver` with the ``silver`` section of ``config``, holding out the
    articles its validation and test sources name from augmentation, and those ``silver.exclude`` names
    from everything. Returns the output path and the counts."""
    corpus = source_files(config, config.silver.corpus, "silver corpus", "the ANT corpus (see data/README.md)")
    output = config.path(config.silver.output)
    counts = write_silver(
        corpus,
        output,
        limit=config.silver.limit,
        augment=config.silver.augment,
        augment_path=config.path(config.silver.augment_output),
        held_out=held_out_ids(config),
        excluded=frozenset().union(
            *(listed_ids(f) for name in config.silver.exclude for f in source_files(config, name, "silver.exclude"))
        ),
        seed=config.data.seed,
        corpus_name=config.silver.corpus_name,
    )
    return output, counts
