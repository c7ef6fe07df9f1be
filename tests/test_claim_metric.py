"""The claim-level metric (train/evaluation/claimmetric.py) on tiny hand-computed cases, its bootstrap,
and its place in the claims evaluation and its table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from train.config import load_config
from train.evaluation.claimmetric import ArticleClaims, Bootstrap, claim_scores, link_right
from train.evaluation.claims import evaluate_claims, linked_articles
from train.reporting.text import claim_metric_table, claims_report

NUMBERS = dict(lower=None, upper=None, lower_inclusive=None, upper_inclusive=None, approx=False, vague=False)


def gold(value, kind="count", entity=None, time=None, links=True) -> dict:
    record = dict(value=value, kind=kind, **NUMBERS)
    if links:
        as_link = {"entity": entity, "time": time}
        record.update({k: None if v is None else {"start": v[0], "end": v[1]} for k, v in as_link.items()})
        record.update(entity_inherited=False, time_inherited=False)
    return record


def predicted(start, end, value, kind="count", entity=None, time=None) -> dict:
    record = dict(start=start, end=end, value=value, kind=kind, **NUMBERS)
    for link, target in (("entity", entity), ("time", time)):
        record[f"{link}_start"], record[f"{link}_end"] = target if target else (None, None)
    return record


def figures(articles, group="all", **bootstrap) -> dict[str, float | None]:
    return {name: f.value for name, f in claim_scores(articles, **bootstrap).figures[group].items()}


# One linked article, computed by hand:
#   (0,2)   count   right in span, value and both links (its TIME absent on both sides): a complete claim
#   (10,12) money   ENT (13,20) predicted as (15,20): wrong exact, right on overlap; TIME right
#   (30,32) percent value 9 read as 8; no links on either side (right)
#   (40,42) count   missed
#   (50,52) count   predicted, no gold
#   (70,72) count   ENT (73,78) predicted absent, TIME absent predicted (80,85): both links wrong
CASE = ArticleClaims.of(
    {
        (0, 2): gold(5, entity=(3, 8)),
        (10, 12): gold(7, "money", entity=(13, 20), time=(20, 25)),
        (30, 32): gold(9, "percent"),
        (40, 42): gold(3, entity=(43, 45)),
        (70, 72): gold(4, entity=(73, 78)),
    },
    [
        predicted(0, 2, 5, entity=(3, 8)),
        predicted(10, 12, 7, "money", entity=(15, 20), time=(20, 25)),
        predicted(30, 32, 8, "percent"),
        predicted(50, 52, 6),
        predicted(70, 72, 4, time=(80, 85)),
    ],
    linked=True,
)


def test_links_are_right_when_both_absent_or_equal_or_overlapping() -> None:
    assert link_right(None, None) and link_right(None, None, exact=False)
    assert not link_right((1, 4), None) and not link_right(None, (1, 4), exact=False)
    assert link_right((1, 4), (1, 4)) and not link_right((1, 4), (2, 4))
    assert link_right((1, 4), (3, 9), exact=False) and not link_right((1, 4), (4, 9), exact=False)


def test_hand_computed_figures_of_one_article() -> None:
    assert figures([CASE]) == pytest.approx(
        {
            "qty_precision": 4 / 5,
            "qty_recall": 4 / 5,
            "qty_f1": 8 / 10,
            "values": 3 / 4,
            "entity_exact": 2 / 4,  # (0,2) and (30,32), both absent
            "entity_overlap": 3 / 4,  # and (10,12)
            "time_exact": 3 / 4,  # all but (70,72)
            "time_overlap": 3 / 4,
            "claim_precision": 1 / 5,  # (10,12) is right in span and value, wrong in its ENT link
            "claim_recall": 1 / 5,
            "claim_f1": 2 / 10,
        }
    )
    counts = claim_scores([CASE]).counts["all"]
    assert (counts["qty_tp"], counts["matched"], counts["linked_matched"], counts["claim_tp"]) == (4, 4, 4, 1)


def test_per_kind_each_side_by_its_own_kind() -> None:
    count = figures([CASE], "count")  # gold (0,2) (40,42) (70,72); predicted (0,2) (50,52) (70,72)
    assert count == pytest.approx(
        {
            **{"qty_precision": 2 / 3, "qty_recall": 2 / 3, "qty_f1": 4 / 6, "values": 1.0},
            **{"entity_exact": 1 / 2, "entity_overlap": 1 / 2, "time_exact": 1 / 2, "time_overlap": 1 / 2},
            **{"claim_precision": 1 / 3, "claim_recall": 1 / 3, "claim_f1": 2 / 6},
        }
    )
    money = figures([CASE], "money")
    assert (money["qty_f1"], money["entity_exact"], money["entity_overlap"], money["claim_f1"]) == (1.0, 0.0, 1.0, 0.0)
    assert figures([CASE], "percent")["values"] == 0.0
    assert set(figures([CASE], "measure").values()) == {None}  # no claim of that kind on either side
    wrong_kind = ArticleClaims.of({(0, 2): gold(5)}, [predicted(0, 2, 5, "money")], linked=True)
    assert figures([wrong_kind])["claim_f1"] == 1.0  # the kind is not part of a complete claim
    assert figures([wrong_kind], "count")["qty_recall"] == 0.0 and figures([wrong_kind], "money")["qty_precision"] == 0.0


def test_gold_without_links_scores_spans_and_values_only() -> None:
    unlinked = ArticleClaims.of({(0, 2): gold(5, links=False)}, [predicted(0, 2, 5), predicted(4, 6, 1)], linked=False)
    alone = figures([unlinked])
    assert (alone["qty_precision"], alone["qty_recall"], alone["values"]) == (0.5, 1.0, 1.0)
    assert all(alone[name] is None for name in ("entity_exact", "time_overlap", "claim_f1", "claim_recall"))
    both = claim_scores([CASE, unlinked])
    assert (both.articles, both.linked_articles) == (2, 1)
    assert both.figures["all"]["qty_f1"].value == pytest.approx(2 * 5 / (7 + 6))  # spans on both articles
    assert both.figures["all"]["claim_f1"].value == pytest.approx(2 / 10)  # claims on the linked one only
    nothing = claim_scores([], resamples=50)
    assert nothing.figures["all"]["qty_f1"].value is None and nothing.resamples == 0


def test_a_gold_span_without_a_record_matches_no_value() -> None:
    article = ArticleClaims.of({(0, 2): None}, [predicted(0, 2, 5)], linked=False)
    assert (figures([article])["qty_f1"], figures([article])["values"]) == (1.0, 0.0)


def test_bootstrap_is_seeded_and_holds_the_point_estimate() -> None:
    articles = [CASE] + [
        ArticleClaims.of(
            {(10 * j, 10 * j + 2): gold(j) for j in range(i)},
            [predicted(10 * j, 10 * j + 2, j if (i + j) % 3 else -1) for j in range(i) if (i * j) % 4 != 1],
            linked=True,
        )
        for i in range(1, 10)
    ]
    first, again = claim_scores(articles, 200, seed=3), claim_scores(articles, 200, seed=3)
    assert first == again
    assert first.figures != claim_scores(articles, 200, seed=4).figures
    assert (first.resamples, first.seed) == (200, 3)
    for group in first.figures.values():
        for figure in group.values():
            if figure.value is not None:
                assert figure.low <= figure.value <= figure.high
    assert first.figures["all"]["claim_f1"].low < first.figures["all"]["claim_f1"].high
    one = claim_scores([CASE], 100, seed=0).figures["all"]["qty_f1"]  # one article: every draw is the article
    assert one.low == one.high == one.value
    assert claim_scores(articles).figures["all"]["qty_f1"].low is None  # no resamples, no interval


def test_the_claims_evaluation_scores_linked_gold_and_prints_the_claim_table(tmp_path: Path) -> None:
    text = "قتل 5 أشخاص في عام 2019. وارتفعت بنسبة 10 بالمئة أسعار الخبز."
    prices, percent = text.index("أسعار الخبز"), text.index("10 بالمئة")
    spans = [
        {"start": 4, "end": 5, "label": "QTY", "layer": "claims", "record": gold(5, entity=(6, 11), time=(15, 23))},
        {"start": 6, "end": 11, "label": "ENT", "layer": "claims"},
        {"start": 15, "end": 23, "label": "TIME", "layer": "claims"},
        {"start": prices, "end": prices + 11, "label": "ENT", "layer": "claims"},
        {
            "start": percent,
            "end": percent + 9,
            "label": "QTY",
            "layer": "claims",
            "record": gold(10, "percent", entity=(prices, prices + 11)),
        },
    ]
    path = tmp_path / "linked.jsonl"
    lines = [{"id": "a", "text": text, "spans": spans}, {"id": "b", "text": "لا أرقام هنا.", "spans": []}]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    config_path = tmp_path / "config.yaml"
    source = f"    - name: linked\n      format: jsonl\n      path: {path}\n      split: test\n      layers: [claims]\n"
    config_path.write_text(f"data:\n  output: {tmp_path / 'data'}\n  sources:\n{source}", encoding="utf-8")
    results = evaluate_claims([], load_config(config_path), "test", Bootstrap(100, 1))
    claim = results["rules"]["claim"]
    assert (claim["articles"], claim["linked_articles"]) == (2, 2)  # an article with no claim is linked too
    scored = {name: f["value"] for name, f in claim["figures"]["all"].items()}
    assert scored["qty_f1"] == 1.0 and scored["values"] == 1.0
    assert (scored["entity_exact"], scored["time_exact"], scored["claim_f1"]) == (
        0.5,
        1.0,
        0.5,
    )  # the rules miss أسعار الخبز (after the amount)
    table = claim_metric_table(results)
    assert "links scored on 2 of 2 articles" in table and "100 resamples, seed 1" in table
    assert "| percent |" in table and "| measure" not in table  # the kinds either side has
    assert "claim F1" in claims_report(results, "test", "rules")


def test_an_unlinked_source_has_no_linked_article() -> None:
    from train.data.articles import Article
    from train.data.spans import Span

    article = Article(id="a", text="5 أشخاص", spans=[Span(0, 1, "QTY", "claims")], layers=("claims",))
    assert linked_articles([article], {("a", 0, 1): gold(5, links=False)}) == set()
    assert linked_articles([article], {("a", 0, 1): gold(5)}) == {"a"}


def test_evaluate_prints_and_stores_the_claim_figures(claims_model: Path, tmp_path: Path, capsys) -> None:
    from train.cli import main

    model = tmp_path / "model"
    shutil.copytree(claims_model, model)
    assert main(["evaluate", str(model), "--split", "train", "--bootstrap", "20", "--bootstrap-seed", "2"]) == 0
    printed = capsys.readouterr().out
    assert "claim level: links scored on" in printed and "20 resamples, seed 2" in printed and "claim F1" in printed
    stored = json.loads((model / "claims_eval_train.json").read_text(encoding="utf-8"))
    for system in ("rules", str(model)):
        assert (stored[system]["claim"]["resamples"], stored[system]["claim"]["seed"]) == (20, 2)
        assert "records" in stored[system] and "seqeval" in stored[system]  # the earlier columns stay
