"""Conversion to a HuggingFace dataset: the split rule, the round trip, the card, atomic output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from train.cli import main
from train.config import load_config
from train.data.articles import Article, DataError
from train.data.dataset import article_rows, assign_splits, build_dataset, remove_leaks, rows_to_spans
from train.data.readers import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
NATIVE = [ROOT / "data" / "gold" / "seed.jsonl", ROOT / "tests" / "fixtures" / "articles.jsonl"]


@pytest.mark.parametrize("path", NATIVE, ids=lambda p: p.name)
def test_round_trip_article_to_rows_to_spans(path: Path) -> None:
    for article in read_jsonl(path, ("ner", "claims")):
        rows = article_rows(article)
        for layer in ("ner", "claims"):
            expected = sorted(s for s in article.spans if s.layer == layer)
            assert sorted(rows_to_spans(rows, layer)) == expected, (article.id, layer)


def test_seed_gold_is_complete() -> None:
    (seed,) = read_jsonl(NATIVE[0], ("ner", "claims"))
    assert seed.text == (ROOT / "seeds" / "000_5aed8b592000b0fd.txt").read_text(encoding="utf-8")
    labels = [s.label for s in seed.spans]
    assert labels.count("QTY") >= 15
    assert {"PERS", "LOC", "ORG", "MISC", "ENT", "TIME"} <= set(labels)


def make_articles(n: int) -> list[Article]:
    return [Article(id=f"doc-{i:03d}", text=f"نص رقم {i}.", spans=[], layers=("ner",)) for i in range(n)]


def test_auto_split_is_by_article_deterministic_and_sized() -> None:
    config = load_config("configs/tiny.yaml", ["data.validation_fraction=0.2", "data.test_fraction=0.1"])
    source = config.data.sources[1]
    first = {a.article.id: a.split for a in assign_splits(make_articles(50), source, config)}
    again = {a.article.id: a.split for a in assign_splits(list(reversed(make_articles(50))), source, config)}
    assert first == again
    assert sorted(first.values()).count("validation") == 10
    assert sorted(first.values()).count("test") == 5
    other = load_config("configs/tiny.yaml", ["data.seed=99", "data.validation_fraction=0.2", "data.test_fraction=0.1"])
    assert {a.article.id: a.split for a in assign_splits(make_articles(50), source, other)} != first


def test_train_plus_validation_never_makes_test() -> None:
    config = load_config("configs/mini.yaml")
    splits = {a.split for a in assign_splits(make_articles(40), config.data.sources[0], config)}
    assert splits == {"train", "validation"}


def test_held_out_documents_leave_train() -> None:
    config = load_config("configs/tiny.yaml")
    gold, silver = config.data.sources
    articles = make_articles(3)
    assigned = assign_splits(articles[:1], gold.model_copy(update={"split": "test"}), config)
    assigned += assign_splits(articles, silver.model_copy(update={"split": "train"}), config)
    kept = remove_leaks(assigned)
    assert [(a.article.id, a.split) for a in kept] == [("doc-000", "test"), ("doc-001", "train"), ("doc-002", "train")]
    clash = assign_splits(articles[:1], gold.model_copy(update={"split": "validation"}), config)
    with pytest.raises(DataError, match="both test and validation"):
        remove_leaks(assigned + clash)


def test_no_document_in_two_splits() -> None:
    dataset = build_dataset(load_config("configs/tiny.yaml"))
    docs = {split: set(part["doc_id"]) for split, part in dataset.items()}
    assert not docs["train"] & docs["validation"] and not docs["train"] & docs["test"]
    assert not docs["validation"] & docs["test"]
    assert dataset["train"].features["ner_tags"].feature.names[:3] == ["O", "B-PERS", "I-PERS"]
    row = dataset["train"][0]
    assert len(row["tokens"]) == len(row["starts"]) == len(row["ner_tags"]) == len(row["claim_tags"])


def test_data_command_writes_dataset_card_and_config(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    output = tmp_path / "data"
    assert main(["data", "configs/tiny.yaml", f"data.output={output}"]) == 0
    assert (output / "dataset_dict.json").is_file()
    card = (output / "README.md").read_text(encoding="utf-8")
    assert "| claims/QTY |" in card and "fixtures" in card
    assert load_config(output / "run_config.yaml").data.output == str(output)
    printed = capsys.readouterr().out
    assert "claims/QTY" in printed and str(output) in printed


def test_bad_source_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"id": "x", "text": "نص.", "spans": [{"start": 0, "end": 1, "label": "LOC", "layer": "ner"}]}) + "\n"
    )
    output = tmp_path / "data"
    overrides = [f"data.output={output}", f"data.sources=[{{name: bad, format: jsonl, path: '{bad}'}}]"]
    assert main(["data", "configs/tiny.yaml", *overrides]) == 2
    assert "boundary inside a word" in capsys.readouterr().err
    assert not output.exists()
    assert not list(tmp_path.glob(".data*"))


def test_missing_corpus_says_where_to_get_it(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["data", "configs/mini.yaml", f"data.root={tmp_path}", f"data.output={tmp_path / 'out'}"]) == 2
    error = capsys.readouterr().err
    assert str(tmp_path / "anercorp" / "train.txt") in error and "camel.abudhabi.nyu.edu/anercorp" in error


def test_failed_write_keeps_previous_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import train.reporting.datacard as datacard
    from train.steps import write_dataset

    output = tmp_path / "data"
    config = load_config("configs/tiny.yaml", [f"data.output={output}"])
    write_dataset(config)
    before = sorted(p.name for p in output.iterdir())
    assert "README.md" in before

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(datacard, "write_dataset_card", crash)  # the card is written inside the dataset's atomic write
    with pytest.raises(OSError):
        write_dataset(config)
    assert sorted(p.name for p in output.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_empty_source_gives_empty_splits_with_every_column(tmp_path: Path) -> None:
    empty = tmp_path / "augmented.jsonl"
    empty.write_text("", encoding="utf-8")
    sources = (
        f"[{{name: seed, format: jsonl, path: '{NATIVE[0]}', split: test}}, "
        f"{{name: aug, format: jsonl, path: '{empty}', split: train}}]"
    )
    dataset = build_dataset(load_config("configs/tiny.yaml", [f"data.sources={sources}"]))
    assert len(dataset["train"]) == 0 and len(dataset["validation"]) == 0 and len(dataset["test"]) > 0
    assert dataset["train"].features == dataset["test"].features


def test_the_card_says_how_much_training_data_each_role_gives(tmp_path: Path) -> None:
    """Sentences per source role (gold, silver, augmented) in the counts, and their shares of train in the card."""
    output = tmp_path / "data"
    silver = ["data.sources.1.role=silver", "data.sources.1.split=train"]  # the fixtures, read as silver
    assert main(["data", "configs/tiny.yaml", f"data.output={output}", *silver]) == 0
    card = (output / "README.md").read_text(encoding="utf-8")
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[1] for line in card.splitlines() if line.startswith("| role/")}
    gold, silver = int(rows["role/gold"]), int(rows["role/silver"])
    assert gold > 0 and silver > 0
    assert f"| sentences | {gold + silver} |" in card  # every training sentence has a role
    share = f"gold {gold} ({100 * gold / (gold + silver):.1f}%), silver {silver} ({100 * silver / (gold + silver):.1f}%)"
    assert f"Training sentences by the role of their source (`role/*` rows): {share}." in card


def test_repeat_copies_a_sources_train_rows_only() -> None:
    config = load_config("configs/tiny.yaml")
    plain = build_dataset(config)
    weighted = build_dataset(load_config("configs/tiny.yaml", ["data.sources.1.repeat=3"]))
    repeated = config.data.sources[1].name
    for split in ("train", "validation", "test"):
        before, after = plain[split]["source"], weighted[split]["source"]
        times = 3 if split == "train" else 1
        assert after.count(repeated) == times * before.count(repeated), split
        assert len(after) - after.count(repeated) == len(before) - before.count(repeated)
    assert plain["train"]["source"].count(repeated)  # the repeated source has train rows to copy
