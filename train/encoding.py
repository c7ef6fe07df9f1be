"""Words -> model inputs with first-sub-word labels, split into windows the model can take.

A sentence longer than the model's window is cut at word boundaries into several windows; every
window records the sentence row and the index of each word's first sub-word, so predictions are
merged back to one label per word. Training and inference share this code.
"""

from __future__ import annotations

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


def window_labels(window: Window, tags: list[int]) -> list[int]:
    """The sentence's tag of each word at its first sub-word in the window; ``IGNORE`` elsewhere."""
    labels = [IGNORE] * len(window.input_ids)
    for word, position in window.first_subword.items():
        labels[position] = tags[word]
    return labels


def training_features(
    tokenizer: PreTrainedTokenizerFast, sentences: list[list[str]], tags: list[list[int]], max_length: int
) -> dict[str, list]:
    """Columns ``input_ids``, ``labels`` (first sub-word of each word, else -100) and ``length``."""
    columns: dict[str, list] = {"input_ids": [], "labels": [], "length": []}
    for window in build_windows(tokenizer, sentences, max_length):
        columns["input_ids"].append(window.input_ids)
        columns["labels"].append(window_labels(window, tags[window.row]))
        columns["length"].append(len(window.input_ids))
    return columns
