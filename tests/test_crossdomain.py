"""Cross-domain evaluation: label mappings, their errors, scores on the shared types, results and card."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from huggingface_hub import ModelCard
from huggingface_hub.repocard_data import model_index_to_eval_results

from train.cli import main
from train.config import load_config
from train.data.articles import DataError
from train.data.readers.conll import read_conll
from train.evaluation.crossdomain import restrict, score_corpus

SHIPPED = {"aqmar": "configs/aqmar.yaml", "wojood": "configs/wojood.yaml"}


def _label_map(name: str) -> dict[str, str]:
    return dict(load_config(SHIPPED[name]).data.sources[0].label_map)


def _spans(article) -> list[tuple[str, str]]:
    return [(article.text[s.start : s.end], s.label) for s in article.spans]


def test_aqmar_mapping_applied(fixtures: Path) -> None:
    (article,) = read_conll(fixtures / "aqmar-sample.txt", label_map=_label_map("aqmar"), exhaustive=True)
    # PER -> PERS; the stray I--ORG continues its ORG; MIS*, B-ENGLISH and the whole tags OO, IO dropped
    assert _spans(article) == [("ألبرت أينشتاين", "PERS"), ("أولم", "LOC"), ("جامعة زيورخ", "ORG")]


def test_wojood_reads_the_outermost_layer(fixtures: Path) -> None:
    (article,) = read_conll(fixtures / "wojood-nested.txt", label_map=_label_map("wojood"), exhaustive=True)
    # GPE -> LOC; the GPE inside an ORG stays inside it; entities inside a dropped OCC or EVENT are not outermost
    assert _spans(article) == [
        ("أيمن الصفدي", "PERS"),
        ("عمان", "LOC"),
        ("حكومة الأردن", "ORG"),
        ("نهر الأردن", "LOC"),
    ]


def test_unmapped_tag_is_an_error_with_file_and_line(fixtures: Path) -> None:
    for key, line, tag in (("MIS0", 19, "B-MIS0"), ("OO", 23, "OO"), ("LOC", 6, "B-LOC")):
        mapping = {k: v for k, v in _label_map("aqmar").items() if k != key}
        with pytest.raises(DataError, match=rf"aqmar-sample.txt:{line}: tag '{tag}' of '.+' is not named .*'{key}: O'"):
            read_conll(fixtures / "aqmar-sample.txt", label_map=mapping, exhaustive=True)
    # for training (not exhaustive) a type that is a model label passes unnamed, as itself
    assert ("أولم", "LOC") in _spans(read_conll(fixtures / "aqmar-sample.txt", label_map=mapping)[0])


def test_malformed_tag_needs_a_whole_tag_mapping(fixtures: Path) -> None:
    mapping = {key: value for key, value in _label_map("aqmar").items() if key != "IO"}
    with pytest.raises(DataError, match=r"aqmar-sample.txt:31: tag 'IO' of 'القديم' is not O, B-X or I-X.*OO: O"):
        read_conll(fixtures / "aqmar-sample.txt", label_map=mapping)


def test_restrict_keeps_only_shared_types() -> None:
    assert restrict([["B-MISC", "I-MISC", "B-LOC", "O", "B-ORG"]], ["LOC", "ORG"]) == [["O", "O", "B-LOC", "O", "B-ORG"]]


def test_types_outside_the_shared_ones_count_for_nothing() -> None:
    rows = [{"source": "c", "ner_tags": ["B-PERS", "O", "O", "B-LOC"]}, {"source": "c", "ner_tags": ["O", "O"]}]
    predicted = [["B-PERS", "B-MISC", "I-MISC", "B-LOC"], ["B-MISC", "O"]]  # MISC: not in the corpus
    in_domain = {"split": "test", "sources": ["news"], "gold": [["B-MISC", "B-LOC"]], "predicted": [["O", "B-LOC"]]}
    scores = score_corpus(rows, predicted, "ner", ["LOC", "ORG", "PERS"], in_domain)
    assert scores["strict"]["precision"] == scores["strict"]["recall"] == 1.0
    assert set(scores["strict"]["per_type"]) == {"LOC", "PERS"}
    assert scores["in_domain"]["strict"]["recall"] == 1.0  # the missed MISC is outside the shared types
    assert scores["sentences"] == 2 and scores["in_domain"]["sentences"] == 1


@pytest.fixture
def data_root(fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data root holding the fixtures where the shipped configs look for AQMAR and the Wojood sample."""
    root = tmp_path / "data-root"
    (root / "aqmar").mkdir(parents=True)
    (root / "wojood-sample").mkdir()
    shutil.copy(fixtures / "aqmar-sample.txt", root / "aqmar" / "Sample.txt")
    shutil.copy(fixtures / "wojood-nested.txt", root / "wojood-sample" / "test.txt")
    (root / "wojood-sample" / "LICENSE_repo_MIT.txt").write_text("MIT License\n")  # not a corpus file
    monkeypatch.setenv("ARABIC_DATA_ROOT", str(root))
    return root


@pytest.fixture
def model(ner_model: Path, tmp_path: Path) -> Path:
    return shutil.copytree(ner_model, tmp_path / "model")


def _config(tmp_path: Path, label_map: dict[str, str]) -> str:
    sources = [{"name": "aqmar", "format": "conll", "path": "{data_root}/aqmar/*.txt", "split": "test", "layers": ["ner"]}]
    path = tmp_path / "corpus.yaml"
    path.write_text(yaml.safe_dump({"data": {"sources": [{**sources[0], "label_map": label_map}]}}, allow_unicode=True))
    return str(path)


def test_results_stored_and_shown_in_the_card(
    model: Path, data_root: Path, capsys: pytest.CaptureFixture, caplog: pytest.LogCaptureFixture
) -> None:
    assert main(["evaluate", str(model), "--data", SHIPPED["aqmar"], "--data", SHIPPED["wojood"]]) == 0
    out = capsys.readouterr().out
    assert "ner / aqmar (configs/aqmar.yaml): strict seqeval on the shared types LOC, ORG, PERS" in out
    assert "in-domain test" in out and "PERS f1" in out
    results = json.loads((model / "eval_results.json").read_text())
    assert "test" in results and set(results["cross_domain"]) == {"aqmar", "wojood"}
    aqmar = results["cross_domain"]["aqmar"]
    assert aqmar["shared_types"] == ["LOC", "ORG", "PERS"] and aqmar["sentences"] == 3
    assert aqmar["sources"] == ["aqmar"] and aqmar["config"] == "configs/aqmar.yaml"
    assert sum(row["support"] for row in aqmar["strict"]["per_type"].values()) == 3  # gold: 1 PERS, 1 LOC, 1 ORG
    assert set(aqmar["strict"]["per_type"]) <= {"LOC", "ORG", "PERS"}
    in_domain = aqmar["in_domain"]
    assert in_domain["split"] == "test" and set(in_domain["strict"]["per_type"]) <= {"LOC", "ORG", "PERS"}
    wojood = results["cross_domain"]["wojood"]
    assert wojood["sources"] == ["wojood-sample"] and wojood["sentences"] == 2
    assert sum(row["support"] for row in wojood["strict"]["per_type"].values()) == 4

    card = ModelCard.load(model / "README.md")
    assert "### Cross-domain" in card.text and "`configs/wojood.yaml`" in card.text and "(test, in-domain)" in card.text
    _, parsed = model_index_to_eval_results(card.data.to_dict()["model-index"])
    f1 = {(r.dataset_name, r.metric_name): r.metric_value for r in parsed}
    assert f1[("aqmar", "F1 (strict IOB2, on LOC/ORG/PERS)")] == round(aqmar["strict"]["f1"], 4)
    assert f1[("wojood-sample", "Recall (strict IOB2, on LOC/ORG/PERS)")] == round(wojood["strict"]["recall"], 4)
    assert any(split == "test" for split in (r.dataset_split for r in parsed))

    # the in-domain evaluate keeps the cross-domain results, and the card still shows them
    assert main(["evaluate", str(model)]) == 0
    assert set(json.loads((model / "eval_results.json").read_text())["cross_domain"]) == {"aqmar", "wojood"}
    assert "### Cross-domain" in (model / "README.md").read_text()


def test_without_the_in_domain_dataset_the_corpus_is_still_scored(
    model: Path, data_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    config = yaml.safe_load((model / "run_config.yaml").read_text())
    config["data"]["output"] = str(tmp_path / "no-dataset")
    (model / "run_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    assert main(["evaluate", str(model), "--data", SHIPPED["aqmar"]]) == 0
    assert f"in-domain test not scored on the shared types: no prepared dataset at {tmp_path / 'no-dataset'}" in (
        capsys.readouterr().out
    )
    aqmar = json.loads((model / "eval_results.json").read_text())["cross_domain"]["aqmar"]
    assert "in_domain" not in aqmar and aqmar["sentences"] == 3
    assert "| aqmar (`configs/aqmar.yaml`) |" in (model / "README.md").read_text()


def test_unmapped_tag_through_the_command(model: Path, data_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    mapping = {key: value for key, value in _label_map("aqmar").items() if key != "MIS1"}
    config = _config(tmp_path, mapping)
    assert main(["evaluate", str(model), "--data", config]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]  # after the weights' progress bar
    assert error.startswith(f"error: {config}, source 'aqmar': ") and "Sample.txt:16: tag 'B-MIS1'" in error
    assert not (model / "eval_results.json").read_text().count("cross_domain")


def test_mapping_onto_a_label_the_model_lacks(model: Path, data_root: Path, tmp_path: Path, capsys) -> None:
    config = _config(tmp_path, {**_label_map("aqmar"), "PER": "PERSON"})
    assert main(["evaluate", str(model), "--data", config]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]  # after the weights' progress bar
    assert error.startswith("error: ")
    assert error == (
        f"error: {config}: source 'aqmar' maps 'PER' to 'PERSON', a label the model does not have "
        "(its labels: LOC, MISC, ORG, PERS); map it to one of them, or to O to drop it"
    )


def test_mapping_with_no_shared_type(model: Path, data_root: Path, tmp_path: Path, capsys) -> None:
    config = _config(tmp_path, {key: "O" for key in _label_map("aqmar")})
    assert main(["evaluate", str(model), "--data", config]) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]  # after the weights' progress bar
    assert error.startswith(f"error: {config}: the label_map of its sources maps no corpus type")
    assert "map at least one type (e.g. PER: PERS)" in error


def _corpus_keys(files: list[Path]) -> set[str]:
    """What a label_map names each tag of the files by (every column): its type, or a malformed tag whole."""
    tags = {tag for path in files for line in path.read_text(encoding="utf-8").splitlines() for tag in line.split()[1:]}
    return {tag[2:] if tag[:2] in ("B-", "I-") and len(tag) > 2 else tag for tag in tags if tag != "O"}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_configs_cover_the_real_corpora(name: str, shared_data: Path) -> None:
    from train.data.readers import source_files
    from train.evaluation.crossdomain import corpus_rows, shared_types

    config = load_config(SHIPPED[name])
    assert shared_types(config, SHIPPED[name], "ner", ["PERS", "LOC", "ORG", "MISC"]) == ["LOC", "ORG", "PERS"]
    rows = corpus_rows(config, SHIPPED[name], "ner")  # every tag named, or an error with its file and line
    assert len(rows) > 1000
    (source,) = config.data.sources
    files = source_files(config, source.path, source.name)
    assert "LICENSE_repo_MIT.txt" not in {f.name for f in files}
    assert set(source.label_map) == _corpus_keys(files)  # and no key for a tag the corpus does not have


def test_data_with_several_splits_is_refused(model: Path, capsys: pytest.CaptureFixture) -> None:
    before = (model / "eval_results.json").read_text()
    assert main(["evaluate", str(model), "--data", SHIPPED["aqmar"], "--split", "validation", "--split", "test"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: evaluate --data takes one --split (the in-domain split the other corpora are compared with); "
        "run it once per split"
    )
    assert (model / "eval_results.json").read_text() == before
