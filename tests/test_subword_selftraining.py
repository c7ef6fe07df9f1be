"""The self-training experiment of ``bench/subword_consistency.py`` keeps the sentences whose sub-words disagree,
each word labelled on all its sub-words with its first sub-word's tag."""

from __future__ import annotations

from types import SimpleNamespace

import torch

from bench.subword_consistency import disagreeing_windows, first_subword_of
from train.inference.encoding import IGNORE, Window, continuation_tags

NAMES = ["O", "B-LOC", "I-LOC", "B-PERS", "I-PERS"]
CLS, SEP, PAD = 2, 3, 0


class FixedTagger(torch.nn.Module):
    """Stands for a token-classification model: tags each window (by its first word's id) as given."""

    def __init__(self, tags_by_first_id: dict[int, list[int]]):
        super().__init__()
        self.tags = tags_by_first_id

    def forward(self, input_ids, attention_mask):
        logits = torch.zeros(*input_ids.shape, len(NAMES))
        for row, ids in enumerate(input_ids.tolist()):
            for position, tag in enumerate(self.tags[ids[1]]):
                logits[row, position, tag] = 1.0
        return SimpleNamespace(logits=logits)


def window(first_id: int) -> Window:
    # [CLS] w0 ##w0 ##w0 w1 [SEP]: word 0 has three sub-words, word 1 one
    return Window(row=0, input_ids=[CLS, first_id, 11, 12, 13, SEP], first_subword={0: 1, 1: 4})


def test_first_subword_of_points_continuations_at_their_word_start():
    assert first_subword_of(window(10)) == [0, 1, 1, 1, 4, 5]


def test_only_windows_whose_subwords_disagree_are_kept_with_the_first_subwords_tags():
    b_loc, i_loc, b_pers = 1, 2, 3
    agreeing = [0, b_loc, i_loc, i_loc, 0, 0]  # B-LOC then I-LOC on its continuations: one whole word
    b_again = [0, b_loc, i_loc, b_loc, 0, 0]  # a continuation starts another entity
    type_switch = [0, b_pers, i_loc, i_loc, 0, 0]
    model = FixedTagger({20: agreeing, 21: b_again, 22: type_switch})
    kept = disagreeing_windows(model, [window(20), window(21), window(22)], continuation_tags(NAMES), PAD)
    assert [ids[1].item() for ids, _ in kept] == [21, 22]
    assert kept[0][1].tolist() == [IGNORE, b_loc, i_loc, i_loc, 0, IGNORE]
    assert kept[1][1].tolist() == [IGNORE, b_pers, 4, 4, 0, IGNORE]
