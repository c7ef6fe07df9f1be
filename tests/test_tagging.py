"""``tag``: articles to entities and claim records; bad files skipped by name; the seed's gold records."""

from __future__ import annotations

import io
import json
import logging
import shutil
from pathlib import Path

import pytest

from train.claims.linking import claim_records
from train.claims.rules import find_claims
from train.cli import main
from train.data.articles import Article
from train.data.readers import read_jsonl
from train.data.spans import Span
from train.evaluation.claims import record_accuracy, same_record

ROOT = Path(__file__).resolve().parent.parent
SEED_GOLD = ROOT / "data" / "gold" / "seed.jsonl"


def gold_seed() -> tuple[Article, dict[tuple[int, int], dict]]:
    (seed,) = read_jsonl(SEED_GOLD, ("ner", "claims"))
    line = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    records = {(s["start"], s["end"]): s["record"] for s in line["spans"] if s["label"] == "QTY"}
    return seed, records


def test_seed_gold_spans_give_every_gold_record() -> None:
    seed, gold = gold_seed()
    claims = claim_records(seed.text, [s for s in seed.spans if s.layer == "claims"])
    got = {(c["start"], c["end"]): c for c in claims}
    assert set(got) == set(gold) and len(gold) >= 15
    wrong = [seed.text[s:e] for (s, e), record in gold.items() if not same_record(record, got[(s, e)])]
    assert wrong == [], "normalizer accuracy on the seed's gold spans must be 100%"
    for claim in claims:
        assert claim["sentence"] in seed.text and claim["sentence_start"] <= claim["start"]
        if claim["entity"] is not None:
            assert seed.text[claim["entity_start"] : claim["entity_end"]] == claim["entity"]


def test_rule_tagger_finds_nine_tenths_of_seed_qty() -> None:
    seed, gold = gold_seed()
    found = {(s.start, s.end) for s in find_claims(seed.text) if s.label == "QTY"}
    assert len(found & set(gold)) / len(gold) >= 0.9


def test_record_accuracy_counts_exact_spans_and_values() -> None:
    text = "غادر نحو 6500 شخص ووصل مئات الرجال."
    article = Article(id="a", text=text, spans=[], layers=("claims",))
    approx = (text.index("نحو"), text.index("نحو") + len("نحو 6500"))
    vague = (text.index("مئات"), text.index("مئات") + len("مئات"))
    records = {
        ("a", *approx): {
            "value": 6500,
            "lower": None,
            "upper": None,
            "lower_inclusive": None,
            "upper_inclusive": None,
            "approx": True,
            "vague": False,
        },
        ("a", *vague): {
            "value": None,
            "lower": 300,
            "upper": 999,
            "lower_inclusive": True,
            "upper_inclusive": True,
            "approx": False,
            "vague": True,
        },
    }
    both = [Span(*approx, "QTY", "claims"), Span(*vague, "QTY", "claims")]
    assert record_accuracy([article], [both], records)["all"] == {"correct": 2, "total": 2, "accuracy": 1.0}
    shifted = [Span(approx[0] + 4, approx[1], "QTY", "claims")]
    result = record_accuracy([article], [shifted], records)
    assert result["all"]["correct"] == 0 and result["vague"]["total"] == 1 and result["approx"]["total"] == 1


def test_record_accuracy_reads_records_as_tag_does_with_the_sentence_after() -> None:
    text = "قضى خمس سنوات في السجن."
    article = Article(id="a", text=text, spans=[], layers=("claims",))
    five = Span(text.index("خمس"), text.index("خمس") + len("خمس"), "QTY", "claims")
    record = dict.fromkeys(("lower", "upper", "lower_inclusive", "upper_inclusive"), None)
    records = {("a", five.start, five.end): {**record, "value": 5, "approx": False, "vague": False}}
    assert record_accuracy([article], [[five]], records)["all"]["correct"] == 1, "a cardinal here, not the fraction 1/5"


def test_tag_command_writes_jsonl_and_skips_bad_files(
    ner_model: Path, claims_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    articles = tmp_path / "articles.jsonl"
    long_sentence = " ".join(["وقال المتحدث إن نحو 6500 شخص غادروا المنطقة"] * 60)
    articles.write_text(json.dumps({"docno": "LONG-1", "text": long_sentence}, ensure_ascii=False) + "\n", encoding="utf-8")
    output = tmp_path / "out" / "tagged.jsonl"
    args = ["tag", "--ner", str(ner_model), "--claims", str(claims_model), "seeds/", str(tmp_path), "-o", str(output), "--table"]
    with caplog.at_level(logging.WARNING):
        assert main(args) == 1, "done, with files skipped"
    for name, reason in (("binary.txt", ":1: looks binary"), ("empty.txt", ": empty"), ("latin1.txt", ":1: not utf-8 text")):
        assert f"skipped {tmp_path / name}{reason}" in caplog.text
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["000_5aed8b592000b0fd", "LONG-1"]
    seed_text = (ROOT / "seeds" / "000_5aed8b592000b0fd.txt").read_text(encoding="utf-8")
    seed = lines[0]
    assert seed["entities"] and seed["claims"]
    for entity in seed["entities"]:
        assert seed_text[entity["start"] : entity["end"]] == entity["text"] and 0 < entity["score"] <= 1
    for claim in seed["claims"]:
        assert seed_text[claim["start"] : claim["end"]] == claim["text"]
        assert set(claim) >= {
            "value",
            "lower",
            "upper",
            "approx",
            "vague",
            "kind",
            "unit",
            "currency",
            "entity",
            "time",
            "sentence",
        }
    assert len(lines[1]["claims"]) <= 60
    table = capsys.readouterr().out
    assert "quantity" in table.splitlines()[0] and "000_5aed8b592000b0fd" in table


def test_tag_without_claims_model_uses_the_rules(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    article = tmp_path / "a.txt"
    text = "قالت الأمم المتحدة إن أكثر من 300 مدني قتلوا خلال الأسبوع الماضي."
    article.write_text(text, encoding="utf-8")
    assert main(["tag", str(article)]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert record["entities"] == []
    assert [(c["text"], c["lower"], c["lower_inclusive"]) for c in record["claims"]] == [("أكثر من 300", 300, False)]


def test_tag_refuses_a_folder_that_is_no_model_and_models_given_the_wrong_role(
    ner_model: Path, claims_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("غادر نحو 6500 شخص المنطقة.", encoding="utf-8")
    assert main(["tag", "--ner", str(tmp_path / "nope"), str(article)]) == 2
    assert f"{tmp_path / 'nope'}: no such model folder, nor a model on the HuggingFace hub" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["tag", "--ner", str(tmp_path / "empty"), str(article)]) == 2
    assert f"{tmp_path / 'empty'}: not a model folder (no config.json)" in capsys.readouterr().err
    assert main(["tag", "--ner", str(claims_model), "--claims", str(ner_model), str(article)]) == 2
    assert f"{claims_model}: a 'claims' model, where a 'ner' model was expected" in capsys.readouterr().err
    untrained = tmp_path / "base"
    shutil.copytree(ner_model, untrained)
    config = json.loads((untrained / "config.json").read_text())
    config["id2label"] = {str(i): f"LABEL_{i}" for i in range(len(config["id2label"]))}
    config["label2id"] = {label: int(i) for i, label in config["id2label"].items()}
    del config["task"]
    (untrained / "config.json").write_text(json.dumps(config))
    assert main(["tag", "--ner", str(untrained), str(article)]) == 2
    assert "are not the BIO tags of the 'ner' task (PERS, LOC, ORG, MISC)" in capsys.readouterr().err


def test_tag_reads_an_article_from_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("غادر نحو 6500 شخص المنطقة.".encode())))
    assert main(["tag", "-", "-"]) == 0, "a second - is the same input, not an empty one"
    [record] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (record["id"], record["source"]) == ("stdin", "<stdin>")
    assert [(c["text"], c["value"]) for c in record["claims"]] == [("نحو 6500", 6500)]


def test_tag_skips_a_bad_jsonl_line_and_a_missing_file_and_fails_when_nothing_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture, caplog: pytest.LogCaptureFixture
) -> None:
    articles = tmp_path / "articles.jsonl"
    articles.write_text('{"id": "a", "text": "نحو 40 شخصا"}\n["not", "an", "object"]\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert main(["tag", str(articles), str(tmp_path / "missing.txt")]) == 1
    assert f"skipped {articles}:2: expected a JSON object per line, got list" in caplog.text
    assert f"skipped {tmp_path / 'missing.txt'}: cannot be read" in caplog.text
    assert [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()] == ["a"], "line 1 kept"
    assert main(["tag", str(tmp_path / "missing.txt")]) == 2
    assert "every input was skipped" in capsys.readouterr().err
    assert main(["tag", str(tmp_path / "empty-folder")]) == 2
    assert "no article to tag" in capsys.readouterr().err


def test_a_hub_id_is_loaded_from_the_hub(ner_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Published models load by hub id (here served from a local folder, the hub being out of reach)."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    import train.inference.models as modeling

    asked = []
    for cls in (AutoTokenizer, AutoModelForTokenClassification):
        real = cls.from_pretrained

        def from_hub(name, *args, _real=real, **kwargs):
            asked.append(name)
            return _real(str(ner_model), *args, **kwargs)

        monkeypatch.setattr(cls, "from_pretrained", from_hub)
    monkeypatch.setattr(modeling, "unreachable", lambda repo_id: None)
    tokenizer, model = modeling.load_trained("acme/arabic-ner", "ner")
    assert asked == ["acme/arabic-ner", "acme/arabic-ner"] and model.config.id2label[1] == "B-PERS"


def test_the_tagger_object_gives_what_the_command_writes(ner_model: Path, claims_model: Path, tmp_path: Path) -> None:
    from train.inference.tagger import Tagger

    [record] = Tagger()(["قالت الأمم المتحدة إن نحو 6500 شخص غادروا المنطقة"], ids=["un-1"])
    assert record["id"] == "un-1"
    assert [(c["text"], c["value"], c["approx"], c["entity"]) for c in record["claims"]] == [("نحو 6500", 6500, True, "شخص")]
    with pytest.raises(TypeError, match=r"tagger\(\[text\]\)"):
        Tagger()("نحو 6500 شخص")
    with pytest.raises(TypeError, match="item 1 is a NoneType"):
        Tagger()(["نحو 6500 شخص", None])
    seed = (ROOT / "seeds" / "000_5aed8b592000b0fd.txt").read_text(encoding="utf-8")
    output = tmp_path / "tagged.jsonl"
    assert main(["tag", "--ner", str(ner_model), "--claims", str(claims_model), "seeds/", "-o", str(output)]) == 0
    [written] = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    [tagged] = Tagger(ner=ner_model, claims=claims_model)([seed])
    assert tagged["entities"] and tagged["claims"]
    assert (tagged["entities"], tagged["claims"]) == (written["entities"], written["claims"])
