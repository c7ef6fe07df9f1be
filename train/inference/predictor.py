"""Batched prediction of one label per word for many sentences: sorted by length, padded to the
longest window of each batch (rounded up to a multiple of 8 on CUDA only), under
``torch.inference_mode``, merged back from windows to sentences. Two backends behind the same
predictor: a torch model, or an exported ONNX model run by onnxruntime (:class:`train.inference.onnx.OnnxModel`).
A torch model also gives, from the same pass, each word's last hidden state (:func:`predict_words_with_vectors`:
the learned linker's input, :mod:`train.inference.linker`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerFast

from train.inference.batching import attention_mask, collate, pad_multiple
from train.inference.encoding import Window, build_windows

if TYPE_CHECKING:
    from train.inference.onnx import OnnxModel


def predict_words(
    model: PreTrainedModel | OnnxModel,
    tokenizer: PreTrainedTokenizerFast,
    sentences: list[list[str]],
    *,
    batch_size: int = 64,
    progress: bool = False,
) -> list[list[tuple[str, float]]]:
    """``(label, probability)`` for every word of every sentence; a word the tokenizer drops is ``O``."""
    return predict_words_with_vectors(model, tokenizer, sentences, batch_size=batch_size, progress=progress, vectors=False)[0]


def predict_words_with_vectors(
    model: PreTrainedModel | OnnxModel,
    tokenizer: PreTrainedTokenizerFast,
    sentences: list[list[str]],
    *,
    batch_size: int = 64,
    progress: bool = False,
    vectors: bool = True,
) -> tuple[list[list[tuple[str, float]]], list[torch.Tensor] | None]:
    """:func:`predict_words`, and with ``vectors`` (a torch model only) each sentence's word vectors from the same
    forward pass: ``[words, hidden]`` float32 on the CPU, the last hidden state at each word's first sub-word
    (zero for a word the tokenizer drops)."""
    windows = build_windows(tokenizer, sentences, tokenizer.model_max_length)
    lengths = [len(words) for words in sentences]
    return _predict(model, windows, lengths, tokenizer.pad_token_id, batch_size=batch_size, progress=progress, vectors=vectors)


def predict_windows(
    model: PreTrainedModel | OnnxModel,
    windows: Sequence[Window],
    sentence_lengths: Sequence[int],
    pad_id: int,
    *,
    batch_size: int = 64,
    progress: bool = False,
) -> list[list[tuple[str, float]]]:
    """:func:`predict_words` from windows encoded beforehand (``sentence_lengths``: words per sentence),
    with the labels of ``model.config.id2label``; the model runs in its own dtype, or under the caller's
    autocast; an :class:`~train.inference.onnx.OnnxModel` runs on the CPU and always gets the 2D mask."""
    return _predict(model, windows, sentence_lengths, pad_id, batch_size=batch_size, progress=progress, vectors=False)[0]


def _predict(
    model: PreTrainedModel | OnnxModel,
    windows: Sequence[Window],
    sentence_lengths: Sequence[int],
    pad_id: int,
    *,
    batch_size: int,
    progress: bool,
    vectors: bool,
) -> tuple[list[list[tuple[str, float]]], list[torch.Tensor] | None]:
    """:func:`predict_windows`, with the word vectors of :func:`predict_words_with_vectors` when ``vectors``."""
    id2label = model.config.id2label
    results = [[("O", 1.0)] * n for n in sentence_lengths]
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids), reverse=True)
    on_torch = isinstance(model, torch.nn.Module)
    device = next(model.parameters()).device if on_torch else torch.device("cpu")
    multiple = pad_multiple("auto", cuda=device.type == "cuda")
    if vectors and not on_torch:
        raise ValueError("word vectors need a torch model (an ONNX model gives only its logits)")
    # made outside inference mode, so that a linker can be trained on them
    word_vectors = [torch.zeros(n, model.config.hidden_size) for n in sentence_lengths] if vectors else None
    if on_torch:
        model.eval()
    batches = range(0, len(order), batch_size)
    with torch.inference_mode():
        for begin in tqdm(batches, desc="predict", disable=not progress, unit="batch"):
            batch = [windows[i] for i in order[begin : begin + batch_size]]
            inputs = collate([torch.tensor(w.input_ids) for w in batch], None, pad_id, multiple)
            if on_torch:
                mask = attention_mask(model, inputs["attention_mask"].to(device), [len(w.input_ids) for w in batch])
                output = model(input_ids=inputs["input_ids"].to(device), attention_mask=mask, output_hidden_states=vectors)
                logits = output.logits
                if word_vectors is not None:
                    hidden = output.hidden_states[-1].float().cpu()
                    for i, window in enumerate(batch):
                        words, positions = zip(*window.first_subword.items()) if window.first_subword else ((), ())
                        word_vectors[window.row][list(words)] = hidden[i, list(positions)]
            else:
                logits = model(inputs["input_ids"], inputs["attention_mask"])
            probabilities, labels = logits.float().softmax(-1).max(-1)
            probabilities, labels = probabilities.cpu().tolist(), labels.cpu().tolist()
            for i, window in enumerate(batch):
                for word, position in window.first_subword.items():
                    results[window.row][word] = (id2label[labels[i][position]], probabilities[i][position])
    seen: list[set[int]] = [set() for _ in sentence_lengths]
    for window in windows:
        seen[window.row].update(window.first_subword)
    for row, labelled in enumerate(results):
        bridge_dropped_words(labelled, seen[row])
    return results, word_vectors


def bridge_dropped_words(labelled: list[tuple[str, float]], kept: set[int]) -> None:
    """A word the tokenizer drops (a bidi mark, a lone diacritic) between two words of one entity
    joins it (``26 <LRM> %`` stays one span); elsewhere it stays ``O``."""
    for word in range(1, len(labelled) - 1):
        if word in kept:
            continue
        before, after = labelled[word - 1][0], labelled[word + 1][0]
        if before != "O" and after == f"I-{before[2:]}":
            labelled[word] = (after, labelled[word + 1][1])
