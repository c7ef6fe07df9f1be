"""Load model folders with plain transformers (no import of this project) and print what they give, as JSON.

    python tests/compat/load_check.py MODEL_DIR [MODEL_DIR ...] [--text TEXT ...]

For each folder: ``AutoTokenizer`` and ``AutoModelForTokenClassification`` load it, then for each text its
tokens and the ``pipeline("token-classification")`` output under every ``aggregation_strategy``. The same
script runs under transformers 5 (the project's ``.venv``) and 4.x (``make compat-envs``);
tests/test_compat.py compares the outputs. Scores are rounded to 4 decimals.
"""

from __future__ import annotations

import argparse
import json
import sys

import transformers
from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

STRATEGIES = ("none", "simple", "first", "average", "max")
# The cards' examples, a sentence of the seed article, and the same with diacritics, tatweel and
# Arabic-Indic digits, which the tokenizer's normalizer must remove or map in every version.
TEXTS = (
    "زار الرئيس الفرنسي إيمانويل ماكرون القاهرة يوم الأحد والتقى بممثلي جامعة الدول العربية.",
    "ارتفع عدد سكان مصر إلى 105 ملايين نسمة في عام 2023.",
    "قال القائد إن مقاتلي الدولة الإسلامية المتحصنين في جيب باغوز القريب من الحدود العراقية يتنازلون بأعداد كبيرة.",
    "ارتفع عدد سكان مصر إلى ١٠٥ ملايين نسمة في عام ٢٠٢٣.",
    "زارَ الرئيسُ الفرنسيّ ماكـــرون القاهرةَ",
)


def _plain(item: dict) -> dict:
    """A pipeline item with JSON types (numpy scalars as Python numbers, the score rounded)."""
    plain = {key: value.item() if hasattr(value, "item") else value for key, value in item.items()}
    return {**plain, "score": round(float(plain["score"]), 4)}


def check(folder: str, texts: list[str]) -> dict:
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForTokenClassification.from_pretrained(folder)
    taggers = {
        strategy: pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy=strategy, device=-1)
        for strategy in STRATEGIES
    }
    rows = []
    for text in texts:
        encoding = tokenizer(text)
        rows.append(
            {
                "text": text,
                "tokens": tokenizer.convert_ids_to_tokens(encoding["input_ids"]),
                "decoded": tokenizer.decode(encoding["input_ids"], skip_special_tokens=True),
                "pipeline": {strategy: [_plain(item) for item in tagger(text)] for strategy, tagger in taggers.items()},
            }
        )
    return {"tokenizer_class": type(tokenizer).__name__, "labels": model.config.id2label, "texts": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", help="model folders written by `python -m train fit`")
    parser.add_argument("--text", action="append", help="a text to tag (repeatable; default: the built-in texts)")
    args = parser.parse_args()
    result = {
        "transformers": transformers.__version__,
        "models": {folder: check(folder, args.text or list(TEXTS)) for folder in args.folders},
    }
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
