"""Standoff annotations: spans keyed by a document id and the SHA-256 of its text, resolved against a
corpus of JSONL articles (such as ant-news, keyed by ``docno``). Only the annotations are committed;
the texts stay in the corpus under the data root.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from train.data.articles import Article, DataError
from train.data.readers.jsonl import parse_links, parse_spans, read_articles, read_json_lines
from train.io import DEFAULT_ENCODING, check_text

ID_FIELDS = ("docno", "id")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id(record: dict) -> str | None:
    """The document id of a JSONL article: its ``docno`` (ANT), else its ``id``."""
    found = next((record[key] for key in ID_FIELDS if record.get(key) is not None), None)
    return None if found is None else str(found)


def corpus_articles(files: Iterable[Path], encoding: str = DEFAULT_ENCODING) -> Iterator[tuple[str, str]]:
    """``(document id, text)`` of every article of corpus JSONL files, in order."""
    for path in files:
        for number, record in read_json_lines(Path(path), encoding):
            doc_id = article_id(record)
            if doc_id is None or not isinstance(record.get("text"), str):
                raise DataError(f"{path}:{number}: a corpus article needs 'docno' (or 'id') and a string 'text'")
            check_text(record["text"], f"{path}:{number}")
            yield doc_id, record["text"]


@functools.lru_cache(maxsize=4)
def load_corpus(files: tuple[Path, ...], encoding: str = DEFAULT_ENCODING) -> dict[str, str]:
    """``{document id: text}`` over the corpus files."""
    return dict(corpus_articles(files, encoding))


def read_standoff(
    path: Path, corpus_files: list[Path], layers: tuple[str, ...], encoding: str = DEFAULT_ENCODING
) -> list[Article]:
    texts = load_corpus(tuple(corpus_files), encoding)

    def article_at(record: dict, where: str) -> Article:
        doc_id, digest = record.get("id"), record.get("text_sha256")
        if not isinstance(doc_id, str) or not isinstance(digest, str):
            raise DataError(f"{where}: a standoff record needs string 'id' and 'text_sha256'")
        if doc_id not in texts:
            raise DataError(f"{where}: document '{doc_id}' is not in the corpus {', '.join(map(str, corpus_files))}")
        text = texts[doc_id]
        if text_sha256(text) != digest:
            raise DataError(
                f"{where}: the text of '{doc_id}' in the corpus does not match its text_sha256: "
                "the corpus changed since annotation, so the offsets cannot be trusted"
            )
        raw = record.get("spans", [])
        spans = parse_spans(raw, where, text)
        links = parse_links(raw, where, text, doc_id)
        return Article(id=doc_id, text=text, spans=spans, layers=layers, meta=record.get("meta") or {}, links=links)

    return read_articles(path, article_at, encoding)
