"""Label Studio and doccano both ways: the labeling config, ``tag --format`` pre-annotations, the
readers of their exports (a real Label Studio export among them), round trips and bad exports."""

from __future__ import annotations

import json
import logging
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from train.cli import main
from train.config import RunConfig, SourceConfig
from train.data.annotation_formats import LABEL_STUDIO_CONFIG, index_to_utf16, label_studio_config, model_version, record_spans
from train.data.articles import DataError
from train.data.labels import LAYERS, entity_labels
from train.data.readers import read_doccano, read_label_studio, read_source
from train.data.spans import Span

EMOJI_TEXT = "🎉 وصلَ الرئيسُ المصريُّ إلى القاهرةِ يومَ الخميسِ 👍 مع نحو 300 شخصٍ من الوفدِ."
TEXT = "وصل مئات اللاجئين إلى لبنان يوم الخميس."


def labelled(article) -> set[tuple[str, str, str]]:
    return {(s.layer, s.label, article.text[s.start : s.end]) for s in article.spans}


def test_the_shipped_labeling_config_has_the_labels_of_the_guidelines() -> None:
    assert LABEL_STUDIO_CONFIG.read_text(encoding="utf-8") == label_studio_config(), "regenerate data/label_studio.xml"
    view = ET.fromstring(LABEL_STUDIO_CONFIG.read_text(encoding="utf-8"))
    controls = {c.get("name"): c for c in view.iter("Labels")}
    assert list(controls) == list(LAYERS)
    for layer, control in controls.items():
        assert control.get("toName") == "text"
        assert [label.get("value") for label in control.iter("Label")] == entity_labels(layer)
    (text,) = view.iter("Text")
    assert (text.get("name"), text.get("value")) == ("text", "$text")


def test_the_real_label_studio_export(fixtures: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Made by tools/make_label_studio_fixture.py with Label Studio 1.23.2 and runs/mini/model: predictions
    accepted as annotations, one task corrected, a newer cancelled annotation, one task never labelled."""
    path = fixtures / "label_studio_export.json"
    with caplog.at_level(logging.WARNING):
        articles = {a.id: a for a in read_label_studio(path, ("ner", "claims"))}
    assert "1 tasks without an annotation that is not cancelled skipped (tasks 4)" in caplog.text
    assert set(articles) == {"emoji-diacritics", "health", "economy"}
    emoji = articles["emoji-diacritics"]
    assert emoji.text == EMOJI_TEXT
    assert labelled(emoji) == {
        ("ner", "LOC", "القاهرةِ"),
        ("claims", "QTY", "نحو 300"),
        ("claims", "ENT", "شخصٍ"),
        ("claims", "TIME", "يومَ الخميسِ"),
    }
    # the export counts code points: the emoji before the spans count 1, in UTF-16 they would count 2
    qty = next(s for s in emoji.spans if s.label == "QTY")
    assert qty.start == EMOJI_TEXT.index("نحو 300") != index_to_utf16(EMOJI_TEXT, qty.start)
    # the newest annotation that is not cancelled: the health task keeps its accepted prediction
    assert ("claims", "QTY", "1200") in labelled(articles["health"])
    # the economy task was corrected after the prediction (LOC أرامكو, LOC السعودية, MISC دولار) was accepted
    assert {s for s in labelled(articles["economy"]) if s[0] == "ner"} == {("ner", "ORG", "أرامكو السعودية")}
    assert articles["economy"].meta["label_studio"] == {"task": 3, "annotation": 4}


def test_label_studio_offsets_in_utf16_units_are_converted(fixtures: Path, tmp_path: Path) -> None:
    """Older Label Studio versions counted UTF-16 code units: an emoji counts 2. The result's text tells."""
    tasks = json.loads((fixtures / "label_studio_export.json").read_text(encoding="utf-8"))
    (task,) = [t for t in tasks if t["data"]["id"] == "emoji-diacritics"]
    for result in task["annotations"][0]["result"]:
        value = result["value"]
        value["start"], value["end"] = index_to_utf16(EMOJI_TEXT, value["start"]), index_to_utf16(EMOJI_TEXT, value["end"])
    path = tmp_path / "old.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    (article,) = read_label_studio(path, ("ner", "claims"))
    assert ("claims", "QTY", "نحو 300") in labelled(article)


def tag_both_ways(tmp_path: Path, output_format: str, *models: str) -> tuple[dict[str, dict], Path]:
    """The default JSONL records and the ``output_format`` file of the same tagging run's inputs."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy("seeds/000_5aed8b592000b0fd.txt", inputs)
    (inputs / "emoji.txt").write_text(EMOJI_TEXT, encoding="utf-8")
    jsonl, exported = tmp_path / "tagged.jsonl", tmp_path / f"tagged.{output_format}"
    assert main(["tag", *models, str(inputs), "-o", str(jsonl)]) == 0
    assert main(["tag", *models, str(inputs), "-o", str(exported), "--format", output_format]) == 0
    records = {r["id"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    return records, exported


def test_label_studio_round_trip(ner_model: Path, claims_model: Path, tmp_path: Path) -> None:
    models = ["--ner", str(ner_model), "--claims", str(claims_model)]
    records, exported = tag_both_ways(tmp_path, "label-studio", *models)
    tasks = json.loads(exported.read_text(encoding="utf-8"))
    for number, task in enumerate(tasks, 1):
        (prediction,) = task["predictions"]
        assert prediction["model_version"] == "ner=ner claims=claims"  # the run folders of the fixtures
        assert 0 < prediction["score"] <= 1 and all("score" in r for r in prediction["result"] if r["from_name"] == "ner")
        # what Label Studio exports once an annotator accepts the prediction
        task.update(id=number, annotations=[{"id": number, "result": prediction["result"], "was_cancelled": False}])
    exported.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    articles = read_label_studio(exported, ("ner", "claims"))
    assert [a.id for a in articles] == list(records) == ["000_5aed8b592000b0fd", "emoji"]
    for article in articles:
        assert sorted(article.spans) == [span for span, _ in record_spans(records[article.id])]
    assert {"ner", "claims"} <= {s.layer for s in articles[0].spans}


def test_doccano_round_trip_counts_utf16_units(tmp_path: Path) -> None:
    records, exported = tag_both_ways(tmp_path, "doccano")  # claims by the rules
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    emoji = lines[1]
    start, end, label = emoji["label"][0]
    assert (label, emoji["docno"]) == ("TIME", "emoji")
    assert (start, end) == (EMOJI_TEXT.index("يومَ") + 1, EMOJI_TEXT.index("يومَ") + 1 + len("يومَ الخميسِ"))
    articles = read_doccano(exported, ("claims",))
    assert [a.id for a in articles] == list(records)
    for article in articles:
        assert article.spans and sorted(article.spans) == [span for span, _ in record_spans(records[article.id])]


def test_sources_of_both_formats_through_the_config(fixtures: Path, tmp_path: Path) -> None:
    doccano = tmp_path / "doccano.jsonl"
    start = TEXT.index("لبنان")
    doccano.write_text(json.dumps({"id": 7, "text": TEXT, "label": [[start, start + 5, "LOC"]], "Comments": []}) + "\n")
    config = RunConfig()
    sources = [
        SourceConfig(name="ls", format="label-studio", path=str(fixtures / "label_studio_export.json")),
        SourceConfig(name="dc", format="doccano", path=str(doccano), layers=["ner"]),
    ]
    ls, dc = (read_source(config, source) for source in sources)
    assert {a.source for a in ls} == {"ls"} and len(ls) == 3
    (article,) = dc
    assert (article.id, article.source, article.layers, article.meta) == ("7", "dc", ("ner",), {"Comments": []})
    assert article.spans == [Span(start, start + 5, "LOC", "ner")]


def ls_result(start: int, end: int, label: str, layer: str = "ner", **value: str) -> dict:
    value = {"start": start, "end": end, "labels": [label], **value}
    return {"from_name": layer, "to_name": "text", "type": "labels", "value": value}


def ls_task(task_id: int, results: list[dict], text: str | None = TEXT, cancelled: bool = False) -> dict:
    data = {} if text is None else {"text": text}
    return {"id": task_id, "data": data, "annotations": [{"id": task_id, "result": results, "was_cancelled": cancelled}]}


def test_a_bad_label_studio_export_names_file_and_task_of_each_error(tmp_path: Path) -> None:
    start = TEXT.index("لبنان")
    tasks = [
        ls_task(10, [ls_result(start, start + 5, "LOC")]),
        ls_task(11, [ls_result(0, 3, "LOC")], text=None),
        ls_task(12, [ls_result(start, 500, "LOC")]),
        ls_task(13, [ls_result(start, start + 5, "CITY")]),
        ls_task(14, [ls_result(start - 4, start + 5, "LOC"), ls_result(start, start + 9, "ORG")]),
        ls_task(15, [ls_result(start, start + 5, "QTY", "claims")], cancelled=True),  # only cancelled: skipped
        ls_task(16, [ls_result(start, start + 5, "LOC", "entities")]),
        ls_task(17, [ls_result(start, start + 5, "LOC", text="بيروت")]),
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_label_studio(path, ("ner", "claims"))
    lines = str(error.value).splitlines()
    expected = {
        11: "the task has no text: expected a string data.text",
        12: "offsets outside the text",
        13: "unknown label 'CITY' for layer 'ner'",
        14: "overlapping ner spans",
        16: "a result of control 'entities': expected one of ner, claims",
        17: "covers 'لبنان', but Label Studio says 'بيروت'",
    }
    assert len(lines) == len(expected)
    for line, (task_id, message) in zip(lines, expected.items()):
        assert line.startswith(f"{path}: task {task_id}: ") and message in line


def test_a_bad_doccano_export_names_file_line_and_id_of_each_error(tmp_path: Path) -> None:
    start = TEXT.index("لبنان")
    records = [
        {"id": 1, "text": TEXT, "label": [[start, start + 5, "LOC"]]},
        {"id": 2, "label": [[0, 3, "LOC"]]},
        {"id": 3, "text": TEXT, "label": [[start, 500, "LOC"]]},
        {"id": 4, "text": TEXT, "label": [[start, start + 5, "CITY"]]},
        {"id": 5, "text": TEXT, "label": [[start - 4, start + 5, "LOC"], [start, start + 9, "ORG"]]},
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_doccano(path, ("ner",))
    lines = str(error.value).splitlines()
    expected = {
        2: "the line has no text",
        3: "offsets outside the text",
        4: "unknown label 'CITY' (expected one of ner: PERS, LOC, ORG, MISC; claims: QTY, ENT, TIME",
        5: "overlapping ner spans",
    }
    assert len(lines) == len(expected)
    for line, (number, message) in zip(lines, expected.items()):
        assert line.startswith(f"{path}:{number} (doccano id {number}): ") and message in line


def test_doccano_entities_shape_and_offsets_inside_an_emoji(tmp_path: Path) -> None:
    text = "😀 " + TEXT
    start = index_to_utf16(text, text.index("لبنان"))
    path = tmp_path / "relations.jsonl"
    entities = [{"id": 1, "label": "LOC", "start_offset": start, "end_offset": start + 5}]
    path.write_text(json.dumps({"id": 9, "text": text, "entities": entities, "relations": []}) + "\n", encoding="utf-8")
    (article,) = read_doccano(path, ("ner",))
    assert labelled(article) == {("ner", "LOC", "لبنان")}
    path.write_text(json.dumps({"text": text, "label": [[1, 5, "LOC"]]}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"relations\.jsonl:1: span 1-5 ner/LOC: UTF-16 offset 1 falls inside"):
        read_doccano(path, ("ner",))


def test_model_version_names_the_run_folder_or_the_rules(tmp_path: Path) -> None:
    (tmp_path / "mini" / "model").mkdir(parents=True)
    assert model_version(str(tmp_path / "mini" / "model"), None) == "ner=mini claims=rules"
    assert model_version(None, "org/arabic-claims") == "claims=org/arabic-claims"  # a hub id, whole


def test_link_scores_reach_the_pre_annotations_and_unpaired_surrogates_are_refused(tmp_path: Path) -> None:
    claim = {"start": 4, "end": 8, "score": 0.9, "entity_start": 9, "entity_end": 17, "entity_score": 0.8}
    claim |= {"time_start": None, "time_end": None, "time_score": None}
    scores = {span.label: score for span, score in record_spans({"entities": [], "claims": [claim]})}
    assert scores == {"QTY": 0.9, "ENT": 0.8}
    bad = "وصل \ud800 مئات"
    tasks = tmp_path / "export.json"
    tasks.write_text(json.dumps([ls_task(3, [ls_result(0, 3, "LOC")], text=bad)]), encoding="utf-8")
    doccano = tmp_path / "export.jsonl"
    doccano.write_text(json.dumps({"id": 4, "text": bad, "label": []}) + "\n", encoding="utf-8")
    for read, path, where in ((read_label_studio, tasks, "task 3"), (read_doccano, doccano, "doccano id 4")):
        with pytest.raises(DataError, match=f"{where}.*unpaired surrogate"):
            read(path, ("ner", "claims"))


def test_label_studio_json_too_deep_to_read_is_one_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(DataError, match=rf"^{re.escape(str(path))}: unreadable JSON"):
        read_label_studio(path, ("ner",))
