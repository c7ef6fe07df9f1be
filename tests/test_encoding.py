"""Training labels per sub-word: the first sub-word of each word, or every sub-word (``train.label_subwords``)."""

from __future__ import annotations

import pytest

from train.config import ConfigError, load_config
from train.inference.encoding import IGNORE, Window, continuation_tags, training_features, window_labels
from train.training.base_model import train_tiny_tokenizer

NAMES = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC"]


def test_continuation_tags_turn_b_into_i_and_keep_every_other_tag() -> None:
    assert continuation_tags(NAMES) == {0: 0, 1: 2, 2: 2, 3: 4, 4: 4}


def test_every_sub_word_is_labelled_and_windows_end_before_sep() -> None:
    # [CLS] w0 w0 w0 | w1 | w2 w2 [SEP], w3 has no sub-word (dropped, say only diacritics)
    window = Window(row=0, input_ids=[2, 10, 11, 12, 13, 14, 15, 3], first_subword={0: 1, 1: 4, 2: 5})
    tags = [3, 0, 1, 2]

    assert window_labels(window, tags) == [IGNORE, 3, IGNORE, IGNORE, 0, 1, IGNORE, IGNORE]
    assert window_labels(window, tags, continuation_tags(NAMES)) == [IGNORE, 3, 4, 4, 0, 1, 2, IGNORE]


def test_training_features_label_the_same_first_sub_words_either_way() -> None:
    tokenizer = train_tiny_tokenizer(["باغوز في سوريا قال"], vocab_size=1)  # characters only: every word is split
    sentences, tags = [["باغوز", "في", "سوريا", "قال"]], [[3, 0, 3, 0]]
    first = training_features(tokenizer, sentences, tags, max_length=8)
    every = training_features(tokenizer, sentences, tags, max_length=8, continuation=continuation_tags(NAMES))
    assert first["input_ids"] == every["input_ids"] and len(first["labels"]) > 1, "long sentence cut into windows"
    for only_first, all_of_them in zip(first["labels"], every["labels"]):
        assert [label for label in only_first if label != IGNORE] == [
            all_of_them[i] for i, v in enumerate(only_first) if v != IGNORE
        ]
        assert all_of_them[0] == all_of_them[-1] == IGNORE  # [CLS] and [SEP]
        assert IGNORE not in all_of_them[1:-1]
        assert set(all_of_them[1:-1]) <= {0, 3, 4}


def test_label_subwords_is_validated() -> None:
    assert load_config("configs/tiny.yaml", ["train.label_subwords=all"]).train.label_subwords == "all"
    with pytest.raises(ConfigError, match="label_subwords"):
        load_config("configs/tiny.yaml", ["train.label_subwords=every"])
