"""Scores on entities, claims and claim links, and the thresholds that filter them (``tag --min-score``,
``--thresholds``, ``Tagger(thresholds=...)``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from train.claims.linking import claim_records
from train.cli import main
from train.config import ConfigError
from train.data.labels import label_table
from train.data.spans import Span
from train.data.text import tokenize
from train.inference.scoring import Thresholds, apply_thresholds, load_thresholds, score_claims, scored_spans
from train.inference.tagger import Tagger

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_5aed8b592000b0fd.txt"
TEXT = "قالت الأمم المتحدة إن نحو 6500 شخص غادروا المنطقة خلال الأسبوع الماضي"
LINK_FIELDS = ("", "_start", "_end", "_score")


def _span(text: str, words: str, label: str) -> Span:
    start = text.index(words)
    return Span(start, start + len(words), label, "claims")


def _record(claims: list[dict], entities: list[dict] | None = None) -> dict:
    return {"id": "a", "source": "<text>", "entities": entities or [], "claims": claims}


def _scored_claims() -> list[dict]:
    spans = [
        (_span(TEXT, "نحو 6500", "QTY"), 0.9),
        (_span(TEXT, "شخص", "ENT"), 0.55),
        (_span(TEXT, "خلال الأسبوع الماضي", "TIME"), 0.7),
    ]
    return score_claims(claim_records(TEXT, [s for s, _ in spans]), spans)


def test_the_thresholds_name_the_labels_of_the_guidelines() -> None:
    labels = [label for layer in label_table().values() for label in layer if label != "O"]
    assert list(Thresholds.model_fields) == ["min_score", *labels]


def test_a_span_scores_the_mean_probability_of_its_words() -> None:
    tokens = tokenize("زار إيمانويل ماكرون القاهرة")
    labelled = [("O", 0.99), ("B-PERS", 0.9), ("I-PERS", 0.6), ("B-LOC", 0.8)]
    scored = scored_spans(tokens, labelled, "ner")
    assert [(s.label, round(p, 6)) for s, p in scored] == [("PERS", 0.75), ("LOC", 0.8)]


def test_claim_scores_sit_beside_their_offsets_and_the_rules_give_null() -> None:
    [claim] = _scored_claims()
    keys = list(claim)
    for field, score in (("end", "score"), ("entity_end", "entity_score"), ("time_end", "time_score")):
        assert keys[keys.index(field) + 1] == score
    assert (claim["score"], claim["entity_score"], claim["time_score"]) == (0.9, 0.55, 0.7)
    spans = [_span(TEXT, "نحو 6500", "QTY")]
    [rules] = score_claims(claim_records(TEXT, spans), [(s, None) for s in spans])
    assert rules["score"] is None and rules["entity"] is None and rules["entity_score"] is None


def test_thresholds_drop_claims_and_entities_and_cut_links_below_them() -> None:
    [claim] = _scored_claims()
    entities = [{"text": "الأمم المتحدة", "label": "ORG", "start": 5, "end": 18, "score": 0.6}]
    record = _record([claim], entities)
    assert apply_thresholds(record, Thresholds()) == record, "no threshold keeps everything"
    kept = apply_thresholds(record, Thresholds(min_score=0.6))
    assert kept["entities"] == entities, "a score equal to its threshold is kept"
    [cut] = kept["claims"]
    assert all(cut[f"entity{suffix}"] is None for suffix in LINK_FIELDS), "the ENT link (0.55) is cut"
    assert cut["time"] == "خلال الأسبوع الماضي" and cut["score"] == 0.9, "the claim and its TIME stay"
    per_type = apply_thresholds(record, Thresholds(min_score=0.6, ENT=0.5, ORG=0.61, TIME=0.75))
    assert per_type["entities"] == [] and per_type["claims"][0]["entity"] == "شخص" and per_type["claims"][0]["time"] is None
    assert apply_thresholds(record, Thresholds(QTY=0.95))["claims"] == [], "a claim below its threshold goes, links and all"
    inherited = {**claim, "time_inherited": True}
    [uninherited] = apply_thresholds(_record([inherited]), Thresholds(TIME=0.75))["claims"]
    assert uninherited["time"] is None and uninherited["time_inherited"] is False, "a cut link is inherited no more"
    rules = {**claim, "score": None, "entity_score": None, "time_score": None}
    assert apply_thresholds(_record([rules]), Thresholds(min_score=1.0))["claims"] == [rules], "null scores are never filtered"


def test_a_thresholds_file_is_checked_like_a_config(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text("min_score: 0.5\nMISC: 0.8\nENT: 0.7\n", encoding="utf-8")
    loaded = load_thresholds(path)
    assert (loaded.threshold("MISC"), loaded.threshold("ENT"), loaded.threshold("PERS")) == (0.8, 0.7, 0.5)
    assert load_thresholds(path, min_score=0.2).threshold("PERS") == 0.2
    assert load_thresholds(None, min_score=0.3).threshold("QTY") == 0.3
    path.write_text("MSIC: 0.8\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown key 'MSIC'; did you mean 'MISC'\?") as error:
        load_thresholds(path)
    assert str(path) in str(error.value)
    path.write_text("PERS: 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="PERS: Input should be less than or equal to 1"):
        load_thresholds(path)


def test_tag_scores_entities_claims_and_links_and_filters_by_them(
    ner_model: Path, claims_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    output = tmp_path / "all.jsonl"
    assert main(["tag", "--ner", str(ner_model), "--claims", str(claims_model), str(SEED), "-o", str(output)]) == 0
    [record] = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    entities, claims = record["entities"], record["claims"]
    assert entities and claims and any(c["entity"] for c in claims) and any(c["time"] for c in claims)
    scores = [e["score"] for e in entities] + [c["score"] for c in claims]
    scores += [c[f"{link}_score"] for c in claims for link in ("entity", "time") if c[link] is not None]
    assert all(isinstance(s, float) and 0 <= s <= 1 for s in scores)
    assert all(c[f"{link}_score"] is None for c in claims for link in ("entity", "time") if c[link] is None)
    [tagged] = Tagger(ner=ner_model, claims=claims_model)([SEED.read_text(encoding="utf-8")])
    assert (tagged["entities"], tagged["claims"]) == (entities, claims)

    cut = sorted(scores)[len(scores) // 2]  # about half of the scored items go
    filtered = tmp_path / "filtered.jsonl"
    args = ["tag", "--ner", str(ner_model), "--claims", str(claims_model), str(SEED), "-o", str(filtered)]
    assert main([*args, "--min-score", str(cut)]) == 0
    [kept] = [json.loads(line) for line in filtered.read_text(encoding="utf-8").splitlines()]
    assert kept["entities"] == [e for e in entities if e["score"] >= cut]
    expected = []
    for claim in claims:
        if claim["score"] >= cut:
            for link in ("entity", "time"):
                if claim[link] is not None and claim[f"{link}_score"] < cut:
                    claim = {**claim, **{f"{link}{suffix}": None for suffix in LINK_FIELDS}}
            expected.append(claim)
    assert kept["claims"] == expected
    assert len(kept["entities"]) < len(entities) or len(kept["claims"]) < len(claims)

    label = entities[0]["label"]
    thresholds = tmp_path / "thresholds.yaml"
    thresholds.write_text(f"{label}: 1.0\nENT: 1.0\n", encoding="utf-8")
    assert main([*args, "--thresholds", str(thresholds)]) == 0
    [per_type] = [json.loads(line) for line in filtered.read_text(encoding="utf-8").splitlines()]
    assert per_type["entities"] == [e for e in entities if e["label"] != label or e["score"] >= 1.0]
    assert len(per_type["claims"]) == len(claims), "claims stay when their ENT link is cut"
    assert all(c["entity"] is None or c["entity_score"] == 1.0 for c in per_type["claims"])
    [tagged] = Tagger(ner=ner_model, claims=claims_model, thresholds={label: 1.0, "ENT": 1.0})([SEED.read_text(encoding="utf-8")])
    assert (tagged["entities"], tagged["claims"]) == (per_type["entities"], per_type["claims"])

    with pytest.raises(SystemExit) as exit_:
        main([*args, "--min-score", "1.5"])
    assert exit_.value.code == 2 and "--min-score: 1.5 is not between 0 and 1" in capsys.readouterr().err
    thresholds.write_text("QTYY: 0.5\n", encoding="utf-8")
    assert main([*args, "--thresholds", str(thresholds)]) == 2
    assert "unknown key 'QTYY'; did you mean 'QTY'?" in capsys.readouterr().err
