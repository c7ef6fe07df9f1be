"""The tiny base model's tokenizer: the same vocabulary in every run, every character of its texts known."""

from __future__ import annotations

import json

from conftest import FIXTURES

from train.training.base_model import train_tiny_tokenizer

TEXTS = [json.loads(line)["text"] for line in (FIXTURES / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


def test_the_tiny_tokenizer_learns_the_same_vocabulary_every_time() -> None:
    vocabularies = {json.dumps(train_tiny_tokenizer(TEXTS, vocab_size=120).get_vocab(), sort_keys=True) for _ in range(5)}
    assert len(vocabularies) == 1


def test_the_tiny_tokenizer_knows_every_character_and_keeps_frequent_words_whole() -> None:
    tokenizer = train_tiny_tokenizer(TEXTS, vocab_size=120)
    assert len(tokenizer) >= 120
    for ids in tokenizer(TEXTS)["input_ids"]:
        assert tokenizer.unk_token_id not in ids
    assert tokenizer.tokenize("في إن") == ["في", "إن"], "the most frequent words are single tokens"
    assert tokenizer.tokenize("قالت") == ["ق", "##ا", "##ل", "##ت"], "a word not kept is spelled in known characters"
