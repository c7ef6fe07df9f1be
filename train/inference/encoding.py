"""Words -> model inputs with sub-word labels, split into windows the model can take.

A sentence longer than the model's window is cut at word boundaries into several windows; every
window records the sentence row and the index of each word's first sub-word, so predictions are
merged back to one label per word. Training and inference share this code.

Training labels the first sub-word of each word (``train.label_subwords: first``) or every sub-word
(``all``, the ``label_all_tokens`` of transformers' run_ner.py: a continuation sub-word gets its word's
tag with ``B-`` turned into ``I-``), so that a plain ``pipeline(..., aggregation_strategy="simple")``,
which groups sub-words by their own predictions, returns whole words. Evaluation stays word-level,
on first sub-words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from transformers import PreTrainedTokenizerFast

IGNORE = -100


@dataclass
class Window:
    row: int
    input_ids: list[int]
    first_subword: dict[int, int]  # word index in the sentence -> position in input_ids


def build_windows(tokenizer: PreTrainedTokenizerFast, sentences: list[list[str]], max_length: int) -> list[Window]:
    """Tokenize pre-split sentences; a word with no sub-word (only diacritics, say) gets no position."""
    budget = max_length - 2
    encoded = tokenizer(sentences, is_split_into_words=True, add_special_tokens=False, verbose=False)
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    windows = []
    for row, ids in enumerate(encoded["input_ids"]):
        word_ids = encoded.word_ids(row)
        pieces: list[tuple[int, list[int]]] = []  # (word, its sub-word ids)
        for token_id, word in zip(ids, word_ids):
            if pieces and pieces[-1][0] == word:
                pieces[-1][1].append(token_id)
            else:
                pieces.append((word, [token_id]))
        current_ids: list[int] = [cls_id]
        first: dict[int, int] = {}
        for word, sub_ids in pieces:
            sub_ids = sub_ids[:budget]
            if len(current_ids) - 1 + len(sub_ids) > budget:
                windows.append(Window(row, current_ids + [sep_id], first))
                current_ids, first = [cls_id], {}
            first[word] = len(current_ids)
            current_ids += sub_ids
        windows.append(Window(row, current_ids + [sep_id], first))
    return windows


def continuation_tags(names: Sequence[str]) -> dict[int, int]:
    """Tag id -> the tag id of a word's continuation sub-words: ``B-X`` -> ``I-X``, every other tag itself."""
    index = {name: i for i, name in enumerate(names)}
    return {i: index.get(f"I-{name[2:]}", i) if name.startswith("B-") else i for i, name in enumerate(names)}


def window_labels(window: Window, tags: list[int], continuation: dict[int, int] | None = None) -> list[int]:
    """The sentence's tag of each word at its first sub-word in the window; with ``continuation``
    (:func:`continuation_tags`), its continuation tag at the word's other sub-words; ``IGNORE`` elsewhere."""
    labels = [IGNORE] * len(window.input_ids)
    starts = sorted(window.first_subword.items(), key=lambda item: item[1])
    ends = [position for _, position in starts[1:]] + [len(window.input_ids) - 1]  # the next word, else [SEP]
    for (word, start), end in zip(starts, ends):
        labels[start] = tags[word]
        if continuation is not None:
            labels[start + 1 : end] = [continuation[tags[word]]] * (end - start - 1)
    return labels


def training_features(
    tokenizer: PreTrainedTokenizerFast,
    sentences: list[list[str]],
    tags: list[list[int]],
    max_length: int,
    continuation: dict[int, int] | None = None,
) -> dict[str, list]:
    """Columns ``input_ids``, ``labels`` (first sub-word of each word, with ``continuation`` every sub-word,
    else -100: :func:`window_labels`) and ``length``."""
    columns: dict[str, list] = {"input_ids": [], "labels": [], "length": []}
    for window in build_windows(tokenizer, sentences, max_length):
        columns["input_ids"].append(window.input_ids)
        columns["labels"].append(window_labels(window, tags[window.row], continuation))
        columns["length"].append(len(window.input_ids))
    return columns
