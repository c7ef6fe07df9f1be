"""tools/select_articles.py: seeded, stratified, disjoint, excluding gold and unworthy articles."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("select_articles", ROOT / "tools" / "select_articles.py")
select_articles = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(select_articles)

SOURCES = ["BBC", "CNN", "skynews"]
CATS = ["economy", "sport", "culture"]
GOOD = "قال المسؤول إن 120 شخصا و45 طفلا وصلوا، وبلغت الصادرات 12.7 مليار دولار ونحو ثلاثة آلاف طن. " * 3


def fake_corpus(tmp_path: Path) -> tuple[str, str]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = []
    for s in SOURCES:
        for c in CATS:
            for i in range(6):
                lines.append({"docno": f"{s}-{c}-{i}", "src": s, "cat": c, "title": "t", "text": GOOD})
    lines.append({"docno": "short", "src": "BBC", "cat": "economy", "title": "t", "text": "وصل 120 شخصا."})
    lines.append(
        {
            "docno": "nonumbers",
            "src": "BBC",
            "cat": "economy",
            "title": "t",
            "text": "قال المسؤول في عام 2018 إن الوضع صعب جدا. " * 10,
        }
    )
    (corpus / "a.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines[:30]) + "\n", "utf-8")
    (corpus / "b.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines[30:]) + "\n", "utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "BBC-economy-0", "corpus": "ant-news", "spans": []}) + "\n", "utf-8")
    return str(corpus / "*.jsonl"), str(gold)


def run(tmp_path: Path, name: str, *extra: str) -> dict:
    pattern, gold = (
        fake_corpus(tmp_path)
        if not (tmp_path / "corpus").exists()
        else (str(tmp_path / "corpus" / "*.jsonl"), str(tmp_path / "gold.jsonl"))
    )
    out = tmp_path / name
    args = ["--corpus", pattern, "--gold", gold, "--blind", "9", "--train", "18", "--min-chars", "100", "-o", str(out), *extra]
    assert select_articles.main(args) == 0
    return json.loads(out.read_text("utf-8"))


def test_number_mentions_skip_years_and_count_words():
    assert select_articles.number_mentions("في عام 2018") == 0
    assert select_articles.number_mentions("وصل 120 شخصا ونحو ثلاثة آلاف وبلغت 12.7 مليار") == 5


def test_selection_is_seeded_stratified_disjoint_and_filtered(tmp_path):
    a = run(tmp_path, "a.json")
    b = run(tmp_path, "b.json")
    c = run(tmp_path, "c.json", "--seed", "7")
    assert a["blind"] == b["blind"] and a["train"] == b["train"]  # same seed, same lists
    assert a["blind"]["articles"] != c["blind"]["articles"]  # the seed matters
    blind = {x["id"] for x in a["blind"]["articles"]}
    train = {x["id"] for x in a["train"]["articles"]}
    assert len(blind) == 9 and len(train) == 18 and not blind & train
    chosen = blind | train
    assert not chosen & {"BBC-economy-0", "short", "nonumbers"}  # gold, too short, no numbers
    # 9 blind articles over 9 strata: one each; 18 train articles: two each
    assert a["blind"]["per_category"] == {c: 3 for c in CATS}
    assert a["blind"]["per_source"] == {s: 3 for s in SOURCES}
    strata = [(x["src"], x["cat"]) for x in a["train"]["articles"]]
    assert all(strata.count((s, c)) == 2 for s in SOURCES for c in CATS)
    assert a["seed"] == 21 and "tools/select_articles.py" in a["command"]


def test_a_gold_pattern_matching_nothing_is_an_error(tmp_path, capsys):
    pattern, gold = fake_corpus(tmp_path)
    out = tmp_path / "sel.json"
    args = ["--corpus", pattern, "--gold", gold, str(tmp_path / "no-such-gold-*.jsonl"), "-o", str(out)]
    assert select_articles.main(args) == 1
    err = capsys.readouterr().err
    assert "no gold file matches" in err and "no-such-gold-" in err
    assert not out.exists()
