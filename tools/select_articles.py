"""Choose new gold articles from the ant-news corpus: a blind test list and a training list.

    .venv/bin/python tools/select_articles.py [--corpus '../shared/data/ant-news/*.jsonl']
        [--gold FILE ...] [--seed 21] [--blind 20] [--train 60] [-o data/gold/selection.json]

The procedure (standard library only; it never runs the rule tagger or a model):

1. **Read** every corpus file (sorted by name), one article per line with `docno, src, cat, title, text`.
   A `docno` seen twice keeps its first record.
2. **Exclude** every article whose id is already in a gold file (`id` of each line of `--gold`; by default
   the four gold files that existed before this selection, `GOLD_BEFORE`, so that the new gold files
   written from the selection do not change it when it is rerun).
3. **Filter** on the raw text only, so that each chosen article is worth annotating and affordable:
   * `--min-chars` <= len(text) <= `--max-chars` (default 600 and 2500 characters: shorter texts are
     mostly captions or one-liners, longer ones cost too much annotation time per article);
   * at least `--min-numbers` (default 3) *number mentions*: a digit group (any script, joined by
     `. , ، ٫ ٬`) that is not a bare year (1900-2099 standing alone), or a number word from `NUMBER_WORDS`
     (cardinals, scale words and their duals and plurals, vague plurals, fractions; a word counts
     with its clitics `و ف ب ل ك ال`).
4. **Order** the eligible articles of each stratum (source x category) by a seeded shuffle:
   the docnos are sorted, then `random.Random(f"{seed}:{list}:{src}:{cat}").shuffle`, so a stratum's
   order does not depend on the other strata or on the order of the corpus files.
5. **Allocate** greedily, one article at a time: take the next article of the stratum with the fewest
   articles chosen so far for the list, ties broken by the fewest chosen in its category plus its
   source, then by a seeded random rank of the stratum. With 20 articles over the 26 strata that
   exist, every category gets 3 or 4 and every source 4; with 60, every stratum gets 2 or 3
   (a stratum with too few eligible articles gets what it has).
   The `blind` list is drawn first; the `train` list is drawn from what remains, so the lists are disjoint.
6. **Write** `--output` (JSON): the seed, the command, the parameters, per-list counts per category and
   source, and each list's articles (`id`, `src`, `cat`) in drawing order.

The same corpus, gold files and arguments always give the same lists.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import sys
from collections import Counter
from pathlib import Path

DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
NUMBER_RE = re.compile(rf"[{DIGITS}]+(?:[.,\u060c\u066b\u066c][{DIGITS}]+)*")
YEAR_RE = re.compile(r"(?:19|20)\d\d|[\u0661\u0662][\u0669\u0660][\u0660-\u0669]{2}")
WORD_RE = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
DIACRITICS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")

_WORDS = """
واحد واحدة اثنان اثنين اثنتان اثنتين ثلاث ثلاثة أربع أربعة خمس خمسة ست ستة سبع سبعة ثمان ثماني ثمانية
تسع تسعة عشر عشرة عشرون عشرين ثلاثون ثلاثين أربعون أربعين خمسون خمسين ستون ستين سبعون سبعين
ثمانون ثمانين تسعون تسعين مئة مائة مئات مائتين مئتين مئتان مائتان مئتا مئتي
ألف الف آلاف الاف ألوف ألفان ألفين ألفا ألفي مليون ملايين مليونين مليونان مليار مليارات بليون
تريليون ترليون عشرات بضع بضعة نصف ثلث ربع ثلثا ثلثي
"""
NUMBER_WORDS = frozenset(_WORDS.split())

# the gold files that existed when the selection was made (issue 21); their articles are never chosen
GOLD_BEFORE = [
    "data/gold/seed.jsonl",
    "data/gold/claims-dev.jsonl",
    "data/gold/claims-test.jsonl",
    "data/gold/claims-blind.jsonl",
]
DEFAULTS = {"seed": 21, "blind": 20, "train": 60, "min_chars": 600, "max_chars": 2500, "min_numbers": 3}


def _bare(word: str) -> str:
    return DIACRITICS_RE.sub("", word)


def is_number_word(word: str) -> bool:
    word = _bare(word)
    if word in NUMBER_WORDS:
        return True
    return any(word.startswith(p) and word[len(p) :] in NUMBER_WORDS for p in PREFIXES)


def number_mentions(text: str) -> int:
    """Digit groups that are not bare years, plus number words."""
    digits = sum(1 for m in NUMBER_RE.finditer(text) if not YEAR_RE.fullmatch(m.group()))
    words = sum(1 for m in WORD_RE.finditer(text) if is_number_word(m.group()))
    return digits + words


def read_corpus(pattern: str) -> list[dict]:
    seen: dict[str, dict] = {}
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    seen.setdefault(rec["docno"], rec)
    return list(seen.values())


def gold_ids(pattern: str) -> set[str]:
    ids: set[str] = set()
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    ids.add(json.loads(line)["id"])
    return ids


def eligible(article: dict, min_chars: int, max_chars: int, min_numbers: int) -> bool:
    text = article.get("text") or ""
    return min_chars <= len(text) <= max_chars and number_mentions(text) >= min_numbers


def draw(pool: dict[tuple[str, str], list[str]], n: int, seed: int, name: str) -> list[tuple[str, str, str]]:
    """Take n articles out of pool (stratum -> docnos, consumed in order), balancing as the module says."""
    queues = {}
    for (src, cat), ids in sorted(pool.items()):
        order = sorted(ids)
        random.Random(f"{seed}:{name}:{src}:{cat}").shuffle(order)
        queues[(src, cat)] = order
    strata = sorted(queues)
    rank_order = strata[:]
    random.Random(f"{seed}:{name}:strata").shuffle(rank_order)
    rank = {s: i for i, s in enumerate(rank_order)}
    per_stratum: Counter = Counter()
    per_cat: Counter = Counter()
    per_src: Counter = Counter()
    chosen: list[tuple[str, str, str]] = []
    while len(chosen) < n:
        open_strata = [s for s in strata if queues[s]]
        if not open_strata:
            break
        src, cat = min(open_strata, key=lambda s: (per_stratum[s], per_cat[s[1]] + per_src[s[0]], rank[s]))
        docno = queues[(src, cat)].pop(0)
        pool[(src, cat)].remove(docno)
        chosen.append((docno, src, cat))
        per_stratum[(src, cat)] += 1
        per_cat[cat] += 1
        per_src[src] += 1
    return chosen


def select(
    corpus: list[dict],
    exclude: set[str],
    *,
    seed: int = DEFAULTS["seed"],
    n_blind: int = DEFAULTS["blind"],
    n_train: int = DEFAULTS["train"],
    min_chars: int = DEFAULTS["min_chars"],
    max_chars: int = DEFAULTS["max_chars"],
    min_numbers: int = DEFAULTS["min_numbers"],
) -> dict:
    pool: dict[tuple[str, str], list[str]] = {}
    for art in corpus:
        if art["docno"] in exclude or not eligible(art, min_chars, max_chars, min_numbers):
            continue
        pool.setdefault((art["src"], art["cat"]), []).append(art["docno"])
    n_eligible = sum(len(v) for v in pool.values())
    blind = draw(pool, n_blind, seed, "blind")
    train = draw(pool, n_train, seed, "train")

    def listing(items: list[tuple[str, str, str]]) -> dict:
        return {
            "n": len(items),
            "per_category": dict(sorted(Counter(c for _, _, c in items).items())),
            "per_source": dict(sorted(Counter(s for _, s, _ in items).items())),
            "articles": [{"id": d, "src": s, "cat": c} for d, s, c in items],
        }

    return {
        "seed": seed,
        "parameters": {
            "blind": n_blind,
            "train": n_train,
            "min_chars": min_chars,
            "max_chars": max_chars,
            "min_numbers": min_numbers,
        },
        "corpus_articles": len(corpus),
        "excluded_gold": len(exclude),
        "eligible": n_eligible,
        "blind": listing(blind),
        "train": listing(train),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="../shared/data/ant-news/*.jsonl")
    ap.add_argument(
        "--gold",
        nargs="+",
        default=GOLD_BEFORE,
        help="gold files (paths or patterns) whose articles are excluded; default: the gold that existed "
        "before this selection, so that rerunning after the new gold lands gives the same lists",
    )
    ap.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    ap.add_argument("--blind", type=int, default=DEFAULTS["blind"])
    ap.add_argument("--train", type=int, default=DEFAULTS["train"])
    ap.add_argument("--min-chars", type=int, default=DEFAULTS["min_chars"])
    ap.add_argument("--max-chars", type=int, default=DEFAULTS["max_chars"])
    ap.add_argument("--min-numbers", type=int, default=DEFAULTS["min_numbers"])
    ap.add_argument("-o", "--output", default="data/gold/selection.json")
    args = ap.parse_args(argv)
    corpus = read_corpus(args.corpus)
    if not corpus:
        print(f"no articles under {args.corpus}", file=sys.stderr)
        return 1
    if missing := [p for p in args.gold if not glob.glob(p)]:  # else its articles could be drawn again
        print(f"no gold file matches {', '.join(missing)} (paths are relative to the working directory)", file=sys.stderr)
        return 1
    exclude = set().union(*(gold_ids(p) for p in args.gold))
    out = Path(args.output)
    result = select(
        corpus,
        exclude,
        seed=args.seed,
        n_blind=args.blind,
        n_train=args.train,
        min_chars=args.min_chars,
        max_chars=args.max_chars,
        min_numbers=args.min_numbers,
    )
    cmd = ["tools/select_articles.py"] + (argv if argv is not None else sys.argv[1:])
    result = {"seed": result.pop("seed"), "command": " ".join(cmd), "gold_excluded_from": args.gold, **result}
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")  # written whole, then renamed: a kill leaves the old file
    partial.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, out)
    for name in ("blind", "train"):
        part = result[name]
        print(f"{name}: {part['n']} articles; categories {part['per_category']}; sources {part['per_source']}")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
