"""Silver claims data: the rule tagger run over ant-news articles, written as standoff JSONL.

One line per article: ``{"id", "corpus", "text_sha256", "spans"}`` with the ``claims`` spans of
:func:`train.rules.find_claims` as character offsets into the article text; the texts themselves are
not copied (their licence keeps them out of the project), the hash ties the offsets to the text.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from itertools import islice
from pathlib import Path
from collections.abc import Iterator

from tqdm import tqdm

from train.rules import find_claims

CORPUS = "ant-news"


def _articles(corpus_files: list[Path]) -> Iterator[dict]:
    for path in corpus_files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def write_silver(corpus_files: list[Path], out_path: Path, *, limit: int | None = None) -> dict:
    """Tag the articles of ``corpus_files`` (at most ``limit``) into ``out_path``; return span counts per label."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            articles = islice(_articles([Path(p) for p in corpus_files]), limit)
            for article in tqdm(articles, desc="silver claims", unit="article", total=limit):
                text = article["text"]
                spans = find_claims(text)
                counts.update(span.label for span in spans)
                record = {
                    "id": article["docno"],
                    "corpus": CORPUS,
                    "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    "spans": [span.to_dict() for span in spans],
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, out_path)
    except BaseException:
        os.unlink(tmp)
        raise
    return dict(counts)
