"""Rule tagger scaling (``make bench-rules``): ``tag`` without models on text with no sentence punctuation,
and over the whole ant-news corpus in one run.

    python -m bench.rules_scaling [--sizes 2000 20000 200000 1000000] [--claims MODEL_DIR] [--model-articles 200]

1. Scaling: the ant-news articles joined with their sentence punctuation and line breaks replaced by
   spaces (a transcript, a social-media thread, OCR), cut to each size at a word boundary, tagged by
   :class:`train.inference.tagger.Tagger` with no model (the rules find the claims, as ``tag`` without
   ``--claims`` does): seconds and characters per second; ``ratio`` is the rate of the smallest size
   over that of the largest (near 1 when the time is linear in the length).
2. Corpus: every ant-news article through the same tagger in one call: articles per second and peak
   resident memory (VmHWM, reset before). With ``--claims`` (default: ``runs/claims-mini/model``, when it
   exists), also the first ``--model-articles`` articles with that claims model (the rules then only
   read the model's spans into records).

Needs the ant-news corpus under the data root. Prints a table; writes bench/out/rules_scaling.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.common import device_info, peak_rss_mib, reset_peak_rss, table, write_json
from train.config import load_config, resolve_path
from train.data.readers import source_files
from train.data.text import SENTENCE_END
from train.inference.tagger import Document, Tagger

SIZES = (2_000, 20_000, 200_000, 1_000_000)
DEFAULT_CLAIMS = resolve_path("runs/claims-mini/model")  # what `make claims-mini` writes
_UNPUNCTUATED = str.maketrans({c: " " for c in SENTENCE_END | {"\n", "\r"}})


def corpus() -> list[tuple[str, str]]:
    """(id, text) of every ant-news article, in file order."""
    config = load_config("configs/data.yaml")
    files = source_files(config, config.silver.corpus, "silver corpus", "the ANT corpus (see data/README.md)")
    articles = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                articles.append((str(record["docno"]), record["text"]))
    return articles


def unpunctuated(articles: list[tuple[str, str]], size: int) -> str:
    """``size`` characters (at most; cut at a space) of the articles joined without sentence punctuation."""
    length, parts = 0, []
    for _, article in articles:
        parts.append(" ".join(article.translate(_UNPUNCTUATED).split()))
        length += len(parts[-1]) + 1
        if length > size:
            break
    joined = " ".join(parts)[:size]
    return joined[: joined.rfind(" ")] if len(joined) == size else joined


def scaling(articles: list[tuple[str, str]], sizes: list[int]) -> list[dict]:
    tagger = Tagger()
    rows = []
    for size in sizes:
        text = unpunctuated(articles, size)
        start = time.perf_counter()
        [record] = tagger([text])
        seconds = time.perf_counter() - start
        rows.append({"chars": len(text), "seconds": seconds, "chars_per_s": len(text) / seconds, "claims": len(record["claims"])})
        print(f"  {len(text):>9,} chars: {seconds:.2f} s", flush=True)
    return rows


def whole_corpus(articles: list[tuple[str, str]], claims: Path | None, limit: int | None) -> dict:
    chosen = articles[:limit] if limit else articles
    tagger = Tagger(claims=claims) if claims else Tagger()
    documents = [Document(doc_id, text, "ant-news") for doc_id, text in chosen]
    reset_peak_rss()
    start = time.perf_counter()
    records = tagger.tag_documents(documents)
    seconds = time.perf_counter() - start
    return {
        "tagger": f"claims model {claims}" if claims else "rules",
        "articles": len(documents),
        "chars": sum(len(text) for _, text in chosen),
        "seconds": seconds,
        "articles_per_s": len(documents) / seconds,
        "peak_rss_mib": peak_rss_mib(),
        "claims": sum(len(r["claims"]) for r in records),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="characters of unpunctuated text")
    parser.add_argument("--claims", type=Path, default=DEFAULT_CLAIMS if DEFAULT_CLAIMS.is_dir() else None, help="claims model")
    parser.add_argument("--model-articles", type=int, default=200, help="articles tagged with the claims model (0: all)")
    parser.add_argument("--no-corpus", action="store_true", help="skip the ant-news rows")
    args = parser.parse_args(argv)

    articles = corpus()
    print("scaling, rules only, unpunctuated text:")
    rows = scaling(articles, args.sizes)
    ratio = rows[0]["chars_per_s"] / rows[-1]["chars_per_s"]
    print(
        table(
            ["chars", "seconds", "chars/s", "claims"],
            [[r["chars"], f"{r['seconds']:.2f}", r["chars_per_s"], r["claims"]] for r in rows],
        )
    )
    print(f"rate of the smallest over the largest: {ratio:.2f} (1: linear)")
    runs = []
    if not args.no_corpus:
        runs.append(whole_corpus(articles, None, None))
        if args.claims:
            runs.append(whole_corpus(articles, args.claims, args.model_articles or None))
        print(
            table(
                ["tagger", "articles", "seconds", "articles/s", "peak RSS MiB"],
                [[r["tagger"], r["articles"], f"{r['seconds']:.1f}", r["articles_per_s"], r["peak_rss_mib"]] for r in runs],
            )
        )
    path = write_json("rules_scaling.json", {"device": device_info(), "scaling": rows, "ratio": ratio, "corpus": runs})
    print(f"written to {path}")


if __name__ == "__main__":
    main()
