"""Articles (plain text or JSONL, files or folders) -> entities and normalized claim records: the
reading and the :class:`Tagger` behind ``tag`` (the ``tag`` step, :mod:`train.steps`, writes the
records and the table), and the same for texts in Python.

Every sentence of every article is tagged in one batched pass per model (sorted by length, no
512-token limit: long sentences are windowed), so a folder of thousands of articles costs a few
large batches, not one pipeline call per sentence. Offsets index the original text. Without a claims
model, claims come from the rule tagger; a model's ``QTY`` spans that read as no number are dropped
(:func:`train.claims.linking.read_claims`). Claims are linked to their ``ENT`` and ``TIME`` by the rule
linker (:func:`train.claims.linking.claim_records`), then, when the claims model folder has a learned linker
and runs on torch, re-linked by it (:func:`train.inference.linker.relink`; the word vectors come from the
same forward pass); each record's ``linker`` says which linker made each link.

Bad input is skipped and reported once, by file and line: a file that cannot be used (missing,
binary, empty, not UTF-8: :mod:`train.io`) as a whole, a JSONL line (malformed, not an
object, no text) alone; the rest still comes out. ``--strict`` makes any problem fatal. Exit codes
(:class:`Tagged`): 0 every input tagged, 1 some skipped (the rest written), 2 nothing usable, a
problem under ``--strict`` or a usage error (nothing written).

Every entity, claim and claim link carries a score (the mean probability of its words; null for the
rule tagger's claims), and thresholds drop what scores below them: :mod:`train.inference.scoring` says exactly
what a score is and how the thresholds apply.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm.auto import tqdm

from train.claims.linking import read_claims
from train.claims.rules import find_claims
from train.data.articles import DataError
from train.data.readers.jsonl import json_record
from train.data.readers.standoff import article_id
from train.data.spans import Span
from train.data.text import Sentence, split_sentences
from train.inference.scoring import Thresholds, apply_thresholds, rounded, score_claims, scored_spans
from train.io import check_text, decode, read_text, split_lines

if TYPE_CHECKING:
    import torch

    from train.inference.linker import Linker

TEXT_SUFFIXES = {".txt", ".text", ""}
JSONL_SUFFIXES = {".jsonl", ".json"}
STDIN = "-"
BACKENDS = ("torch", "onnx")
LINKER_PASS = 4096  # sentences per pass with a learned linker (4,096 x ~30 words x 256 floats: ~125 MB of vectors)


@dataclass
class Document:
    id: str
    text: str
    source: str
    sentences: list[Sentence] = field(default_factory=list)


def _read_file(path: Path) -> tuple[list[Document], list[str]]:
    """The documents of one file (a plain-text article, or one article per JSONL line; ``-`` is standard
    input, read as one plain-text article) and a message per JSONL line skipped. A file that cannot be
    used at all raises :class:`DataError`."""
    stdin = str(path) == STDIN
    text = decode(sys.stdin.buffer.read(), "<stdin>") if stdin else read_text(path)
    if not text.strip():
        raise DataError(f"{'<stdin>' if stdin else path}: empty")
    if stdin:
        return [Document("stdin", text, "<stdin>")], []
    if path.suffix.lower() not in JSONL_SUFFIXES:
        return [Document(path.stem, text, str(path))], []
    documents, problems = [], []
    for number, line in enumerate(split_lines(text), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json_record(line, where)
            if not isinstance(record.get("text"), str) or not record["text"].strip():
                raise DataError(f"{where}: no text (each line needs a non-empty string 'text')")
            check_text(record["text"], where)
        except DataError as error:
            problems.append(str(error))
            continue
        documents.append(Document(article_id(record) or f"{path.stem}:{number}", record["text"], where))
    return documents, problems


def _passes(documents: list[Document], sentences: int) -> list[list[Document]]:
    """Consecutive runs of ``documents`` of about ``sentences`` sentences each (a longer document is a run alone)."""
    runs: list[list[Document]] = [[]]
    count = 0
    for document in documents:
        if runs[-1] and count + len(document.sentences) > sentences:
            runs.append([])
            count = 0
        runs[-1].append(document)
        count += len(document.sentences)
    return runs


def collect_files(inputs: list[str]) -> list[Path]:
    files = []
    for name in dict.fromkeys(inputs):  # each input once: a second - would find standard input empty
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES)
        else:
            files.append(path)
    return files


def read_documents(files: list[Path]) -> tuple[list[Document], list[str]]:
    """Readable documents and one message per problem (a file or a JSONL line skipped), naming the file
    and the line once."""
    documents, problems = [], []
    for path in tqdm(files, desc="read", unit="file", disable=len(files) < 20):
        try:
            found, skipped = _read_file(path)
        except DataError as error:
            problems.append(str(error))
            continue
        documents += found
        problems += skipped
    return documents, problems


@dataclass
class Tagged:
    """What ``tag`` did (:func:`train.steps.tag`): the records, and the problems of the input (each a skipped
    file or line)."""

    records: list[dict]
    problems: list[str]

    @property
    def exit_code(self) -> int:
        """0: every input tagged; 1: some skipped, the rest written (2, nothing usable, is an error)."""
        return 1 if self.problems else 0


class ModelTagger:
    """One token-classification model folder, applied word by word to sentences; ``backend="onnx"``: a
    folder written by ``export``, run by onnxruntime."""

    def __init__(self, folder: str | Path, batch_size: int, task: str | None = None, backend: str = "torch") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
        if backend == "onnx":
            from train.inference.onnx import load_onnx as load
        else:
            from train.inference.models import load_trained as load

        self.tokenizer, self.model = load(folder, task)
        self.name = str(folder)
        self.layer = getattr(self.model.config, "task", None) or task or "ner"
        self.batch_size = batch_size
        self.linker = None  # the learned linker of a claims folder; the ONNX backend has no word vectors for it
        if backend == "torch" and self.layer == "claims":
            from train.inference.linker import Linker

            self.linker = Linker.find(folder, self.model.config.hidden_size)

    def spans(self, documents: list[Document]) -> list[list[tuple[Span, float]]]:
        """Per document: the predicted spans with their scores (:func:`train.inference.scoring.scored_spans`)."""
        return self.spans_and_vectors(documents, vectors=False)[0]

    def spans_and_vectors(
        self, documents: list[Document], vectors: bool = True
    ) -> tuple[list[list[tuple[Span, float]]], list[list[torch.Tensor]] | None]:
        """:meth:`spans`, and with ``vectors`` each document's word vectors per sentence from the same forward
        pass (:func:`train.inference.predictor.predict_words_with_vectors`), for the learned linker."""
        from train.inference.predictor import predict_words_with_vectors

        sentences = [s for d in documents for s in d.sentences]
        predicted, word_vectors = predict_words_with_vectors(
            self.model,
            self.tokenizer,
            [[t.text for t in s.tokens] for s in sentences],
            batch_size=self.batch_size,
            progress=len(sentences) > 1000,
            vectors=vectors,
        )
        by_sentence = iter(predicted)
        result = []
        for document in documents:
            found = []
            for sentence in document.sentences:
                found += scored_spans(sentence.tokens, next(by_sentence), self.layer)
            result.append(found)
        if word_vectors is None:
            return result, None
        remaining = iter(word_vectors)
        return result, [[next(remaining) for _ in document.sentences] for document in documents]


def document_records(
    document: Document,
    spans: list[Span],
    linker: Linker | None = None,
    vectors: list[torch.Tensor] | None = None,
    why: Callable[[Span], dict] | None = None,
) -> tuple[list[Span], list[dict]]:
    """A document's claims ``spans`` less those that read as no number, and their records as ``tag`` writes
    them: the rule linker's (:func:`train.claims.linking.claim_records`), relinked by a learned ``linker`` when
    given with the claims model's word ``vectors`` of each sentence (:func:`train.inference.linker.relink`)."""
    readable, records = read_claims(document.text, spans, why)
    if linker is not None and vectors is not None:
        from train.inference.linker import relink

        relink(linker, document.text, document.sentences, vectors, records, readable)
    return readable, records


class Tagger:
    """What ``tag`` does, as a Python object that keeps its models loaded: articles in, one record per
    article out (``entities`` and ``claims``). ``ner`` and ``claims`` are model folders written by ``fit``
    or hub ids of published models; without ``claims`` the rule tagger finds the claims. ``thresholds``
    (:class:`train.inference.scoring.Thresholds`, or a mapping of its keys such as ``{"min_score": 0.5, "MISC": 0.8}``)
    drops what scores below them; without it everything is kept. ``backend="onnx"`` runs folders written
    by ``python -m train export`` on onnxruntime instead (the ``onnx`` extra). ``explain=True`` adds to
    each claim an ``explain`` field (:func:`train.claims.linking.claim_records`): the rules that made its
    ``QTY``, ``ENT`` and ``TIME`` spans (or the claims model that made them) and how the linker chose its
    ``ENT`` and ``TIME`` among which candidates (with a learned linker, its scores of each under ``learned``).

        tagger = Tagger(ner="runs/ner/model", claims="runs/claims/model")
        [record] = tagger(["قالت الأمم المتحدة إن نحو 6500 شخص غادروا المنطقة"])
        record["claims"][0]["value"], record["claims"][0]["approx"]   # 6500, True
    """

    def __init__(
        self,
        ner: str | Path | None = None,
        claims: str | Path | None = None,
        batch_size: int = 64,
        thresholds: Thresholds | dict | None = None,
        backend: str = "torch",
        explain: bool = False,
    ) -> None:
        self.ner = ModelTagger(ner, batch_size, "ner", backend) if ner else None
        self.claims = ModelTagger(claims, batch_size, "claims", backend) if claims else None
        self.thresholds = Thresholds.model_validate(thresholds or {})
        self.explain = explain

    def __call__(self, texts: Iterable[str], ids: Iterable[str] | None = None) -> list[dict]:
        """Records for plain article texts, with the given ``ids`` (default ``"0"``, ``"1"``, ... in order)."""
        if isinstance(texts, str):
            raise TypeError("Tagger takes a list of article texts: wrap a single text in a list, tagger([text])")
        texts = list(texts)
        if bad := [i for i, text in enumerate(texts) if not isinstance(text, str)]:
            raise TypeError(f"Tagger takes article texts (str); item {bad[0]} is a {type(texts[bad[0]]).__name__}")
        ids = [str(i) for i in range(len(texts))] if ids is None else list(ids)
        return self.tag_documents([Document(doc_id, text, "<text>") for doc_id, text in zip(ids, texts, strict=True)])

    def tag_documents(self, documents: list[Document]) -> list[dict]:
        """Records for documents (their sentences split here where they have none yet). With a learned linker,
        the documents go through in passes of about :data:`LINKER_PASS` sentences: its word vectors (a row per
        word) are held for one pass, not for every article at once."""
        for document in documents:
            document.sentences = document.sentences or split_sentences(document.text)
        if self.claims is None or self.claims.linker is None:
            return self._tag(documents)
        return [record for chunk in _passes(documents, LINKER_PASS) for record in self._tag(chunk)]

    def _tag(self, documents: list[Document]) -> list[dict]:
        """:meth:`tag_documents` in one pass per model."""
        entity_spans = self.ner.spans(documents) if self.ner else [[] for _ in documents]
        traces: list[dict[Span, dict] | None] = [{} if self.explain and not self.claims else None for _ in documents]
        vectors: list[list[torch.Tensor]] | list[None] = [None for _ in documents]
        if self.claims:
            claim_spans, found_vectors = self.claims.spans_and_vectors(documents, vectors=self.claims.linker is not None)
            vectors = found_vectors or vectors
        else:
            claim_spans = [[(s, None) for s in find_claims(d.text, trace)] for d, trace in zip(documents, traces)]
        records = [
            {
                "id": document.id,
                "source": document.source,
                "entities": [
                    {
                        "text": document.text[s.start : s.end],
                        "label": s.label,
                        "start": s.start,
                        "end": s.end,
                        "score": rounded(p),
                    }
                    for s, p in entities
                ],
                "claims": score_claims(self._records(document, [s for s, _ in claim], trace, sentence_vectors), claim),
            }
            for document, entities, claim, trace, sentence_vectors in zip(documents, entity_spans, claim_spans, traces, vectors)
        ]
        return [apply_thresholds(record, self.thresholds) for record in records]

    def _records(
        self, document: Document, spans: list[Span], trace: dict[Span, dict] | None, vectors: list[torch.Tensor] | None
    ) -> list[dict]:
        """The claim records of one document (:func:`document_records`)."""
        linker = self.claims.linker if vectors is not None else None
        return document_records(document, spans, linker, vectors, self._why(trace))[1]

    def _why(self, trace: dict[Span, dict] | None) -> Callable[[Span], dict] | None:
        """What made a claims span, for ``explain``: the claims model, or the rule tagger's ``trace``."""
        if not self.explain:
            return None
        if self.claims:
            return lambda span: {"made_by": "model", "model": self.claims.name}
        return lambda span: {"made_by": "rules", **trace.get(span, {})}
