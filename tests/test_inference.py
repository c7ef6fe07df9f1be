"""Batched prediction: batch widths (rounded on CUDA only) and labels that do not depend on batching."""

from __future__ import annotations

from pathlib import Path

import pytest
from transformers import AutoModelForTokenClassification, PreTrainedTokenizerFast

from train.inference.batching import pad_multiple, padded_width, token_batches
from train.inference.encoding import build_windows
from train.inference.predictor import bridge_dropped_words, predict_words
from train.training.base_model import train_tiny_tokenizer

SENTENCES = [
    "قال وزير الخارجية الأردني في عمان إن نحو 6500 شخص غادروا المنطقة".split(),
    "رويترز".split(),
    "وأضاف أن الحكومة ستنفق 15 مليار دولار خلال العامين المقبلين على مشاريع البنية التحتية في البلاد".split(),
    "ارتفع المؤشر 2.5 في المئة".split(),
]


def test_a_long_sentence_is_cut_into_windows_at_word_boundaries_and_every_word_kept() -> None:
    tokenizer = train_tiny_tokenizer((" ".join(s) for s in SENTENCES * 3), vocab_size=200)
    long_sentence = [word for sentence in SENTENCES for word in sentence] * 3
    short = SENTENCES[1]
    windows = build_windows(tokenizer, [long_sentence, short], max_length=16)
    pieces = tokenizer([long_sentence], is_split_into_words=True, add_special_tokens=False)
    assert [w.row for w in windows].count(0) >= len(pieces["input_ids"][0]) // 14
    [short_window] = [w for w in windows if w.row == 1]
    assert short_window.input_ids[1:-1] == tokenizer([short], is_split_into_words=True, add_special_tokens=False)["input_ids"][0]
    words_seen: list[int] = []
    sub_words: list[int] = []
    for window in (w for w in windows if w.row == 0):
        assert len(window.input_ids) <= 16
        assert window.input_ids[0] == tokenizer.cls_token_id and window.input_ids[-1] == tokenizer.sep_token_id
        assert list(window.first_subword.values()) == sorted(window.first_subword.values())
        words_seen += list(window.first_subword)
        sub_words += window.input_ids[1:-1]
    assert words_seen == list(range(len(long_sentence))), "every word once, in order, none cut in two"
    assert sub_words == pieces["input_ids"][0], "the windows hold the whole sentence"


def test_a_dropped_word_inside_a_span_joins_it_and_stays_out_elsewhere() -> None:
    labelled = [("B-QTY", 0.9), ("O", 1.0), ("I-QTY", 0.8), ("O", 1.0), ("O", 1.0), ("B-ENT", 0.7)]
    bridge_dropped_words(labelled, kept={0, 2, 4, 5})
    assert labelled == [("B-QTY", 0.9), ("I-QTY", 0.8), ("I-QTY", 0.8), ("O", 1.0), ("O", 1.0), ("B-ENT", 0.7)]
    labelled = [("B-QTY", 0.9), ("O", 1.0), ("B-QTY", 0.8)]
    bridge_dropped_words(labelled, kept={0, 2})
    assert labelled[1] == ("O", 1.0), "a new span after the gap: the dropped word belongs to neither"


@pytest.mark.parametrize(
    ("setting", "cuda", "expected"), [("auto", True, 8), ("auto", False, 1), (16, False, 16), (None, True, 1)]
)
def test_pad_multiple_rounds_widths_on_cuda_only_unless_set(setting, cuda: bool, expected: int) -> None:
    assert pad_multiple(setting, cuda=cuda) == expected


def test_token_batches_keep_the_budget_at_the_rounded_width() -> None:
    lengths = [3, 17, 9, 30, 12, 5, 21, 8] * 5
    for multiple in (1, 8):
        batches = token_batches(lengths, 64, seed=0, multiple=multiple)
        assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
        for batch in batches:
            width = padded_width(max(lengths[i] for i in batch), multiple)
            assert len(batch) == 1 or len(batch) * width <= 64


def test_cpu_batches_are_as_wide_as_their_longest_window_and_labels_do_not_depend_on_batching(ner_model: Path) -> None:
    model = AutoModelForTokenClassification.from_pretrained(ner_model)
    tokenizer = PreTrainedTokenizerFast.from_pretrained(ner_model)
    widths: list[int] = []
    model.register_forward_pre_hook(lambda _, args, kwargs: widths.append(kwargs["input_ids"].shape[1]), with_kwargs=True)
    one_by_one = [predict_words(model, tokenizer, [s], batch_size=1)[0] for s in SENTENCES]
    longest = [len(tokenizer(s, is_split_into_words=True)["input_ids"]) for s in SENTENCES]
    assert widths == longest
    widths.clear()
    together = predict_words(model, tokenizer, SENTENCES, batch_size=2)
    assert widths == [max(sorted(longest)[2:]), max(sorted(longest)[:2])]
    assert [[label for label, _ in s] for s in together] == [[label for label, _ in s] for s in one_by_one]
    for alone, batched in zip(one_by_one, together):
        assert [p for _, p in batched] == pytest.approx([p for _, p in alone], abs=1e-5)
