"""CoNLL ``token TAG [TAG ...]`` files (ANERcorp, the Wojood sample, AQMAR).

Only the first tag column is read: in multi-column files such as Wojood the extra columns hold
nested entities, which a flat layer cannot represent (Wojood writes a token's tags outermost first, so
the first column is its outermost layer). Sentences are rebuilt as text (tokens joined by
spaces, one sentence a line) so that the same span machinery serves every format. Consecutive
sentences are grouped into pseudo-articles of ``block_size`` sentences, the unit splits are made of,
since these files carry no document boundaries.

``label_map`` renames entity types (``PER: PERS``; ``O`` drops one). A key may also be a whole
malformed tag (AQMAR's ``OO``, ``IO``), mapped to the tag it stands for (``O``, ``B-X`` or ``I-X``).
With ``exhaustive``, as when a corpus is scored against a model, every tag must be named by the map
(identity too, ``ORG: ORG``), so no type reaches the scores unreviewed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from train.data.articles import Article, DataError
from train.data.labels import entity_labels
from train.data.spans import bio_to_spans, repair_bio
from train.data.text import Sentence, Token
from train.io import DEFAULT_ENCODING, read_lines

log = logging.getLogger(__name__)


def _read_sentences(path: Path, encoding: str) -> list[list[tuple[str, str, int]]]:
    sentences, current, extra_columns = [], [], False
    for number, line in enumerate(read_lines(path, encoding), 1):
        fields = line.split()
        if not fields:
            if current:
                sentences.append(current)
                current = []
            continue
        if len(fields) < 2:
            raise DataError(f"{path}:{number}: expected 'token TAG', got {line.strip()!r}")
        extra_columns |= len(fields) > 2
        current.append((fields[0], fields[1], number))
    if current:
        sentences.append(current)
    if extra_columns:
        log.warning("%s: several tag columns (nested entities); reading the first column only", path)
    return sentences


def _well_formed(tag: str) -> bool:
    return tag == "O" or (tag[:2] in ("B-", "I-") and len(tag) > 2)


def _map_key(tag: str) -> str:
    """What ``label_map`` names a tag by: its type, or the whole tag when it is malformed."""
    return tag[2:] if _well_formed(tag) else tag


def _map_tag(tag: str, label_map: dict[str, str]) -> str:
    if tag == "O":
        return tag
    if not _well_formed(tag):
        return label_map.get(tag, tag)
    label = label_map.get(tag[2:], tag[2:])
    return "O" if label == "O" else f"{tag[:2]}{label}"


def read_conll(
    path: Path,
    block_size: int = 50,
    label_map: dict[str, str] | None = None,
    *,
    exhaustive: bool = False,
    encoding: str = DEFAULT_ENCODING,
) -> list[Article]:
    """Read a CoNLL file into pseudo-articles; ``label_map`` renames entity types (``O`` drops one) or
    malformed whole tags; ``exhaustive``: a tag the map does not name is an error."""
    label_map = label_map or {}
    known = set(entity_labels("ner"))
    sentences = _read_sentences(path, encoding)
    if not sentences:
        raise DataError(f"{path}: no sentences found (expected 'token TAG' lines, blank line between sentences)")
    articles, total_repairs = [], 0
    for block_start in range(0, len(sentences), block_size):
        text_parts, built, spans, offset = [], [], [], 0
        for sentence in sentences[block_start : block_start + block_size]:
            tokens = []
            for word, _, _ in sentence:
                tokens.append(Token(word, offset, offset + len(word)))
                offset += len(word) + 1
            tags = []
            for word, tag, number in sentence:
                if exhaustive and tag != "O" and _map_key(tag) not in label_map:
                    raise DataError(
                        f"{path}:{number}: tag {tag!r} of {word!r} is not named by the source's label_map; add "
                        f"'{_map_key(tag)}: O' to drop it, or map it to the model label it stands for"
                    )
                tag = _map_tag(tag, label_map)
                if not _well_formed(tag):
                    raise DataError(
                        f"{path}:{number}: tag {tag!r} of {word!r} is not O, B-X or I-X; "
                        "map a malformed tag whole with the source's 'label_map' (e.g. OO: O)"
                    )
                if tag != "O" and tag[2:] not in known:
                    raise DataError(
                        f"{path}:{number}: unknown label {tag[2:]!r} of {word!r} (expected one of "
                        f"{', '.join(sorted(known))}); map it with the source's 'label_map' (e.g. GPE: LOC, or X: O)"
                    )
                tags.append(tag)
            tags, repairs = repair_bio(tags)
            total_repairs += repairs
            spans += bio_to_spans(tokens, tags, "ner")
            built.append(Sentence(tokens[0].start, tokens[-1].end, tuple(tokens)))
            text_parts.append(" ".join(word for word, _, _ in sentence))
        articles.append(
            Article(
                id=f"{path.stem}-{block_start // block_size:05d}",
                text="\n".join(text_parts),
                spans=spans,
                layers=("ner",),
                meta={"file": path.name, "first_line": sentences[block_start][0][2]},
                sentences=built,
            )
        )
    if total_repairs:
        log.warning("%s: repaired %d I-X tags that did not continue an X entity into B-X", path, total_repairs)
    return articles
