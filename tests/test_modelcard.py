"""Model card: valid hub metadata, a model-index that round-trips, and the expected sections."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.image
import pytest
import yaml
from huggingface_hub import ModelCard
from huggingface_hub.repocard_data import model_index_to_eval_results

from train.evaluation.calibration import calibration
from train.evaluation.metrics import compute_seqeval
from train.reporting.cardclaims import own_rows
from train.reporting.modelcard import TASKS, set_card_repo_id, write_model_card
from train.reporting.text import CLAIM_COLUMNS

BASE = "CAMeL-Lab/bert-base-arabic-camelbert-msa"
LABELS = {"PERS": "person", "LOC": "location", "ORG": "organization", "MISC": "other names | events"}
CONFIG = {
    "task": "ner",
    "model": {"base": BASE, "max_length": 256},
    "train": {"learning_rate": 3e-5, "epochs": 3, "fp16": False, "seeds": [13, 42]},
    "data": {"sources": [{"name": "anercorp", "path": "{data_root}/anercorp/train.txt"}]},
}
SOURCES = [
    {
        "name": "ANERcorp (CAMeL Lab split)",
        "description": "Arabic news annotated with PERS, LOC, ORG and MISC.",
        "license": "CC BY-SA 4.0",
        "url": "https://camel.abudhabi.nyu.edu/anercorp/",
    },
    {"name": "seed-gold", "description": "One article annotated by hand", "license": "Apache-2.0", "url": None, "split": "test"},
]
VERSIONS = {"transformers": "5.0.0", "torch": "2.5.0", "seqeval": "1.2.2"}
METRICS = {
    "validation": compute_seqeval(
        [["B-PERS", "I-PERS", "O", "B-LOC"], ["B-ORG", "O", "I-MISC"]],
        [["B-PERS", "I-PERS", "O", "B-LOC"], ["B-LOC", "O", "I-MISC"]],
    ),
    "test": compute_seqeval(
        [["B-PERS", "O", "B-LOC", "I-LOC"]],
        [["B-PERS", "O", "B-LOC", "O"]],
    ),
}


def _write(model_dir: Path, **overrides: object) -> Path:
    arguments: dict[str, object] = dict(
        task="ner",
        labels=LABELS,
        base_model=BASE,
        config=CONFIG,
        metrics=METRICS,
        data_sources=SOURCES,
        versions=VERSIONS,
        model_name="camelbert-msa-ner",
        license="apache-2.0",
    )
    arguments.update(overrides)
    return write_model_card(model_dir, **arguments)  # type: ignore[arg-type]


def test_metadata_fields(tmp_path: Path) -> None:
    path = _write(tmp_path)
    assert path == tmp_path / "README.md"
    data = ModelCard.load(path).data
    assert data.language == "ar"
    assert data.license == "apache-2.0"
    assert data.base_model == BASE
    assert data.datasets is None, "only hub dataset ids go into the metadata; the sources are in the text"
    assert data.pipeline_tag == "token-classification"
    assert data.library_name == "transformers"
    assert data.tags == ["arabic", "ner", "token-classification", "bert"]
    assert data.metrics == ["seqeval"]
    assert data.model_name == "camelbert-msa-ner"


def test_model_index_round_trips(tmp_path: Path) -> None:
    text = _write(tmp_path).read_text(encoding="utf-8")
    metadata = yaml.safe_load(text.split("---\n")[1])
    name, results = model_index_to_eval_results(metadata["model-index"])
    assert name == "camelbert-msa-ner"
    assert len(metadata["model-index"][0]["results"]) == len(METRICS)  # one result per split

    by_key = {(r.dataset_split, r.metric_name): r for r in results}
    for split, scores in METRICS.items():
        strict_f1 = by_key[(split, "F1 (strict IOB2)")]
        assert strict_f1.metric_type == "f1"
        assert strict_f1.task_type == "token-classification"
        fed_by = {"validation": "ANERcorp (CAMeL Lab split)", "test": "ANERcorp (CAMeL Lab split)+seed-gold"}
        assert strict_f1.dataset_type == fed_by[split], "named after the sources with rows in that split"
        assert strict_f1.metric_value == round(scores["strict"]["f1"], 4)
        assert strict_f1.metric_value == pytest.approx(scores["strict"]["f1"], abs=5e-5)
        assert by_key[(split, "F1 (conlleval)")].metric_value == round(scores["conlleval"]["f1"], 4)
        assert by_key[(split, "Precision (strict IOB2)")].metric_value == round(scores["strict"]["precision"], 4)
        assert by_key[(split, "Recall (strict IOB2)")].metric_value == round(scores["strict"]["recall"], 4)

    # The loaded card exposes the same results.
    loaded = ModelCard.load(tmp_path / "README.md").data.eval_results
    assert sorted((r.dataset_split, r.metric_name, r.metric_value) for r in loaded) == sorted(
        (r.dataset_split, r.metric_name, r.metric_value) for r in results
    )


def test_strict_and_conlleval_differ_in_index(tmp_path: Path) -> None:
    # validation has a stray I-MISC: conlleval counts it (and gets it right), strict does not.
    assert METRICS["validation"]["strict"]["f1"] != METRICS["validation"]["conlleval"]["f1"]
    results = ModelCard.load(_write(tmp_path)).data.eval_results
    f1 = {r.metric_name: r.metric_value for r in results if r.dataset_split == "validation" and r.metric_type == "f1"}
    assert f1 == {"F1 (strict IOB2)": 0.6667, "F1 (conlleval)": 0.75}


def test_body_sections(tmp_path: Path) -> None:
    text = ModelCard.load(_write(tmp_path, repo_id="acme/camelbert-msa-ner")).text
    for heading in (
        "## Labels",
        "## Data",
        "## Training procedure",
        "## Evaluation",
        "### validation",
        "### test",
        "## Intended uses and limitations",
        "## How to use",
        "## Framework versions",
        "## Citation",
    ):
        assert heading in text
    assert "| `PERS` | `B-PERS`, `I-PERS` | person |" in text
    assert "other names \\| events" in text  # pipes escaped inside table cells
    assert "CC BY-SA 4.0" in text and "https://camel.abudhabi.nyu.edu/anercorp/" in text
    assert "- **seed-gold** (test): One article annotated by hand. Licence: Apache-2.0.\n" in text  # no url
    assert "fine-tuned version of [CAMeL-Lab/bert-base-arabic-camelbert-msa](https://huggingface.co/CAMeL-Lab/" in text
    main, full = text.split("<details>")
    assert "| `train.learning_rate` | 3e-05 |" in main
    assert "| `model.base` | CAMeL-Lab/bert-base-arabic-camelbert-msa |" in main
    assert "seeds" not in main
    assert "| `train.seeds` | [13, 42] |" in full
    assert "| `data.sources[0].path` | {data_root}/anercorp/train.txt |" in full
    assert "| LOC | 0.5000 | 1.0000 | 0.6667 | 1 |" in text  # validation, strict
    assert "| micro (conlleval) | 0.7500 | 0.7500 | 0.7500 | 4 |" in text
    assert "from transformers import pipeline\n" in text
    assert 'pipeline("token-classification", model="acme/camelbert-msa-ner", aggregation_strategy="first")' in text
    assert "- transformers 5.0.0" in text
    assert "dialect" in text
    for key in ("inoue-etal-2021-interplay", "benajiba-etal-2007-anersys", "obeid-etal-2020-camel"):
        assert f"@inproceedings{{{key}," in text


def test_fast_engine_card_shows_the_settings_it_trained_with(tmp_path: Path) -> None:
    train = {"engine": "fast", "learning_rate": 5e-5, "batch_size": 32}
    config = {**CONFIG, "train": {**train, "fast": {"learning_rate": 5e-4, "batch_tokens": 2048, "dropout": 0.0}}}
    main, full = ModelCard.load(_write(tmp_path, config=config)).text.split("<details>")
    for row in (
        "| `train.fast.learning_rate` | 0.0005 |",
        "| `train.fast.batch_tokens` | 2048 |",
        "| `train.fast.dropout` | 0.0 |",
    ):
        assert row in main
    assert "`train.learning_rate`" not in main and "| `train.learning_rate` | 5e-05 |" in full


def test_claims_card(tmp_path: Path) -> None:
    sources = [
        {
            "name": "Arabic number claims (silver)",
            "description": "News sentences labelled automatically.",
            "license": "CC BY 4.0",
            "url": "https://example.org/claims",
        }
    ]
    card = ModelCard.load(
        _write(
            tmp_path,
            task="claims",
            labels={"QTY": "quantity expression", "ENT": "what is counted", "TIME": "time scope"},
            data_sources=sources,
            metrics={"test": compute_seqeval([["B-QTY", "B-ENT"]], [["B-QTY", "B-ENT"]])},
            model_name="camelbert-msa-number-claims",
            license="mit",
        )
    )
    assert card.data.tags == ["arabic", "number-claims", "token-classification", "bert"]
    assert card.data.license == "mit"
    assert card.data.datasets is None
    assert card.data.eval_results[0].dataset_type == "Arabic number claims (silver)"
    assert "silver" in card.text
    assert 'model="ORG/NAME"' in card.text and 'Tagger(claims="ORG/NAME")' in card.text
    set_card_repo_id(tmp_path, "acme/claims")
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert 'model="acme/claims"' in text and 'Tagger(claims="acme/claims")' in text and "ORG/NAME" not in text
    assert "benajiba" not in card.text  # ANERcorp is cited only when it is a data source
    assert "inoue-etal-2021-interplay" in card.text


def test_hub_dataset_ids_among_the_sources_are_listed_in_the_metadata(tmp_path: Path) -> None:
    sources = [*SOURCES, {"name": "asas-ai/ANERCorp", "description": "", "license": "", "url": None, "split": "train"}]
    assert ModelCard.load(_write(tmp_path, data_sources=sources)).data.datasets == ["asas-ai/ANERCorp"]


def test_rewrite_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("old", encoding="utf-8")
    _write(tmp_path)
    _write(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "f1_by_type.png"]
    assert (tmp_path / "README.md").read_text(encoding="utf-8").startswith("---\n")


def test_unknown_task_is_rejected_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown task"):
        _write(tmp_path, task="pos")
    assert not (tmp_path / "README.md").exists()


def test_a_local_or_tiny_base_is_named_not_linked(tmp_path: Path) -> None:
    local_card = ModelCard.load(_write(tmp_path / "local", base_model="../shared/models/arabic-mini-bert"))
    assert local_card.data.base_model is None, "the hub refuses a card whose base_model is a local path"
    folder = ModelCard.load(_write(tmp_path / "folder", base_model="tests/fixtures")).data  # reads like ORG/NAME
    assert folder.base_model is None
    local = local_card.text
    assert "fine-tuned version of `../shared/models/arabic-mini-bert`" in local and "huggingface.co/.." not in local
    tiny_config = {"model": {"base": "CAMeL-Lab/bert-base-arabic-camelbert-msa", "tiny": {"hidden_size": 64}}, "train": {}}
    tiny = ModelCard.load(_write(tmp_path / "tiny", base_model="tiny-bert (built in code)", config=tiny_config)).text
    assert "fine-tuned version of `tiny-bert (built in code)`" in tiny and "CAMeL-Lab" not in tiny.split("## Citation")[0]


def _linked_images(text: str) -> dict[str, str]:
    return {alt: target for alt, target in re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", text)}


def _check_png(path: Path) -> None:
    assert path.is_file(), f"{path.name} is linked from the card but missing"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(path).shape  # decodes the whole image
    assert width > 300 and height > 200


def test_the_card_has_a_widget_example_and_links_its_figures(tmp_path: Path) -> None:
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"], ["B-ORG", "O", "O"]]
    predicted = [[("B-PERS", 0.9), ("I-PERS", 0.7), ("O", 0.99), ("B-ORG", 0.6)], [("B-ORG", 0.95), ("O", 0.8), ("O", 0.4)]]
    test = {
        **compute_seqeval(gold, [[label for label, _ in s] for s in predicted]),
        "calibration": calibration(gold, predicted, "ner"),
    }
    card = ModelCard.load(_write(tmp_path, metrics={"validation": METRICS["validation"], "test": test}))
    assert card.data.widget == [{"text": TASKS["ner"]["example"]}]
    images = _linked_images(card.text)
    assert sorted(images.values()) == ["f1_by_type.png", "reliability.png"]
    for name in images.values():
        _check_png(tmp_path / name)
    calibration_part = card.text.split("## Calibration")[1].split("\n## ")[0]
    assert "on the test split" in calibration_part
    # words: gaps 0.6 (0.4 right), 0.6 (0.6 wrong), 0.3, 0.2, 0.1 and 2 x 0.03 (0.99, 0.95 right), over 7
    # spans: PERS 0.8 right, ORG 0.6 wrong (gold LOC), ORG 0.95 right: (0.2 + 0.6 + 0.05) / 3
    assert "**0.2657** for word labels (7)" in calibration_part and "**0.2833** for spans (3)" in calibration_part
    assert "| (0.9, 1.0] | 2 | 0.970 | 1.000 | 1 | 0.950 | 1.000 |" in calibration_part
    assert "| (0.3, 0.4] | 1 | 0.400 | 1.000 | 0 |  |  |" in calibration_part
    assert "(0.1, 0.2]" not in calibration_part, "bins empty in both views are left out"
    assert "| 0.0 | 3 | 0.667 | 0.667 | 0.667 |" in calibration_part  # 2 of 3 spans right, 3 gold spans
    assert "| 0.9 | 1 | 1.000 | 0.333 | 0.500 |" in calibration_part


def test_a_card_without_calibration_has_no_reliability_figure(tmp_path: Path) -> None:
    card = ModelCard.load(_write(tmp_path))
    assert "## Calibration" not in card.text
    assert list(_linked_images(card.text).values()) == ["f1_by_type.png"]
    _check_png(tmp_path / "f1_by_type.png")
    claims = ModelCard.load(_write(tmp_path / "claims", task="claims", metrics={}))
    assert claims.data.widget == [{"text": TASKS["claims"]["example"]}]
    assert _linked_images(claims.text) == {} and not (tmp_path / "claims" / "f1_by_type.png").exists()


def test_the_card_says_which_sub_words_carried_labels_and_the_tested_transformers_range(tmp_path: Path) -> None:
    first = ModelCard.load(_write(tmp_path / "first")).text
    every = ModelCard.load(_write(tmp_path / "all", config={**CONFIG, "train": {"label_subwords": "all"}})).text
    assert "only the first sub-word of each word carries a label" in first
    assert "every sub-word carries its word's label" in every and "only the first sub-word" not in every
    assert "Loads with transformers 4.45-4.57 and 5.x (tested" in every.split("## Framework versions")[1]


def _claim_result(f1: float) -> dict:
    figure = {"value": f1, "low": f1 - 0.1, "high": f1 + 0.05}
    return {"claim": {"figures": {"all": {key: figure for key in CLAIM_COLUMNS.values()}}}}


def test_claims_card_shows_this_models_claim_rows_and_its_linker(tmp_path: Path) -> None:
    model_dir = tmp_path / "run" / "model"
    model_dir.mkdir(parents=True)
    stored = {
        "articles": 3,
        "gold_qty": 12,
        "rules": _claim_result(0.2),
        str(model_dir): _claim_result(0.4),
        f"{model_dir} (rule linker)": _claim_result(0.3),
        f"{model_dir} (raw spans)": _claim_result(0.77),
        str(tmp_path / "other" / "model"): _claim_result(0.9),
    }
    rows = own_rows(stored, model_dir)
    assert list(rows["systems"]) == ["rules", "this model", "this model, rule linker"]
    accuracy = {"validation": {"gold spans": {"entity": {"links": 58, "learned": 0.9655, "rule": 0.6724}}}}
    text = _write(model_dir, task="claims", claims={"test": rows}, linker={"accuracy": accuracy}).read_text(encoding="utf-8")
    section = text.split("## Claim records", 1)[1].split("\n## ", 1)[0]
    assert "### test (3 articles, 12 gold `QTY`)" in section
    assert "| this model | " + " | ".join(["40.0 [30.0, 45.0]"] * len(CLAIM_COLUMNS)) + " |" in section
    assert "| this model, rule linker | 30.0" in section and "90.0" not in section and "77.0" not in section
    assert "| validation | gold spans | entity | 58 | 96.5 | 67.2 |" in section
    assert "## Claim records" not in _write(tmp_path / "ner").read_text(encoding="utf-8")
