"""The claims comparison on gold articles: every gold source of a split is also scored alone."""

from __future__ import annotations

from pathlib import Path

from train.config import load_config
from train.evaluation.claims import evaluate_claims

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "seed-gold": ROOT / "data" / "gold" / "seed.jsonl",
    "fixtures": ROOT / "tests" / "fixtures" / "articles.jsonl",
}


def _config(tmp_path: Path, names: list[str]):
    sources = "".join(
        f"    - name: {name}\n      format: jsonl\n      path: {SOURCES[name]}\n      split: test\n" for name in names
    )
    path = tmp_path / f"{'+'.join(names)}.yaml"
    path.write_text(f"data:\n  output: {tmp_path / 'data'}\n  sources:\n{sources}", encoding="utf-8")
    return load_config(path)


def test_each_gold_source_is_scored_alone_as_if_it_were_the_whole_split(tmp_path: Path) -> None:
    both = evaluate_claims([], _config(tmp_path, ["seed-gold", "fixtures"]), "test")
    assert list(both["sources"]) == ["seed-gold", "fixtures"]
    for name, part in both["sources"].items():
        alone = evaluate_claims([], _config(tmp_path, [name]), "test")
        assert "sources" not in alone
        assert part == alone
    assert both["sources"]["seed-gold"]["gold_qty"] == 17
    assert sum(part["articles"] for part in both["sources"].values()) == both["articles"]
    support = [r["rules"]["seqeval"]["strict"]["per_type"]["QTY"]["support"] for r in both["sources"].values()]
    assert sum(support) == both["rules"]["seqeval"]["strict"]["per_type"]["QTY"]["support"]
