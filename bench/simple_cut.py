"""How many entities a plain ``pipeline(aggregation_strategy="simple")`` cuts inside a word, on a NER split.

    python -m bench.simple_cut runs/mini/model [--config configs/mini.yaml] [--split test] [--limit N] [--strategy first]

``"simple"`` (what the hub widget and most application code use) groups sub-words by their own
predictions, so a model trained on first sub-words only returns pieces of words (``با`` LOC, ``##غو``
LOC, ``##ز`` PERS); ``train.label_subwords: all`` trains the continuation sub-words too. Each sentence of
the prepared split is tagged as its words joined by spaces; an entity is cut when it starts or ends
inside a word (between two letters or digits). Prints one JSON object: the entities returned, the
share cut, the strict F1 of the pipeline's output (an entity counts when its type and character span
equal a gold entity's), and the model's word-level strict F1 on the split from its
``eval_results.json`` (first sub-words, as ``python -m train evaluate`` scores). ``--strategy`` measures
another ``aggregation_strategy`` the same way.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from transformers import pipeline

from bench.anercorp import load_splits
from train.data.spans import bio_to_spans
from train.data.text import Token


def sentence(words: list[str]) -> tuple[str, list[Token]]:
    """The words joined by spaces, and each word with its character offsets there."""
    tokens, position = [], 0
    for word in words:
        tokens.append(Token(word, position, position + len(word)))
        position += len(word) + 1
    return " ".join(words), tokens


def inside_a_word(text: str, position: int) -> bool:
    """Whether ``position`` falls between two letters or digits (punctuation a word carries, as in ``كابول؛``,
    is not part of an entity)."""
    return 0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum()


def simple_cut_report(
    model_dir: str | Path, config: str, split: str, limit: int | None, strategy: str = "simple", batch_size: int = 32
) -> dict:
    _, splits, names = load_splits(config)
    rows = splits[split]
    sentences = [sentence(words) for words in rows["tokens"][:limit]]
    tags = rows["tags"][:limit]
    tagger = pipeline("token-classification", model=str(model_dir), aggregation_strategy=strategy, device=-1)
    outputs = tagger([text for text, _ in sentences], batch_size=batch_size)
    returned = cut = correct = gold_total = 0
    for (text, tokens), sentence_tags, entities in zip(sentences, tags, outputs):
        gold = {(s.start, s.end, s.label) for s in bio_to_spans(tokens, [names[t] for t in sentence_tags], "ner")}
        predicted = {(e["start"], e["end"], e["entity_group"]) for e in entities}
        returned += len(predicted)
        cut += sum(1 for start, end, _ in predicted if inside_a_word(text, start) or inside_a_word(text, end))
        correct += len(predicted & gold)
        gold_total += len(gold)
    precision = correct / returned if returned else 0.0
    recall = correct / gold_total if gold_total else 0.0
    results = json.loads((Path(model_dir) / "eval_results.json").read_text(encoding="utf-8"))
    return {
        "model": str(model_dir),
        "split": split,
        "aggregation_strategy": strategy,
        "sentences": len(sentences),
        "entities_returned": returned,
        "cut_inside_a_word": cut,
        "cut_share": round(cut / returned, 4) if returned else 0.0,
        "pipeline_strict_f1": round(2 * precision * recall / (precision + recall), 4) if correct else 0.0,
        "word_level_strict_f1": round(results[split]["strict"]["f1"], 4) if split in results else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir", help="a NER model folder written by fit")
    parser.add_argument("--config", default="configs/mini.yaml", help="the config whose prepared dataset is read")
    parser.add_argument("--split", default="test", choices=["train", "validation", "test"])
    parser.add_argument("--limit", type=int, help="only the first N sentences")
    parser.add_argument("--strategy", default="simple", help="the pipeline's aggregation_strategy (default: %(default)s)")
    args = parser.parse_args()
    print(json.dumps(simple_cut_report(args.model_dir, args.config, args.split, args.limit, args.strategy), ensure_ascii=False))


if __name__ == "__main__":
    main()
