"""``export`` and ``tag --backend onnx``: a loadable ONNX folder, the same records as torch, int8, and the
one-line errors (existing target, truncated model.onnx, onnxruntime missing, a torch folder given)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from train.claims.linking import LINKER
from train.cli import main

pytest.importorskip("onnxruntime")  # the [onnx] extra (make setup installs it)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_5aed8b592000b0fd.txt"


@pytest.fixture(scope="session")
def onnx_models(ner_model: Path, claims_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """fp32 ONNX folders of the tiny NER and claims models, exported once through the command line."""
    out = tmp_path_factory.mktemp("onnx")
    folders = {"ner": out / "ner", "claims": out / "claims"}
    for task, model in (("ner", ner_model), ("claims", claims_model)):
        assert main(["export", str(model), str(folders[task])]) == 0
    return folders


def _tag(capsys: pytest.CaptureFixture, ner: Path, claims: Path, *extra: str) -> dict:
    assert main(["tag", "--ner", str(ner), "--claims", str(claims), str(SEED), *extra]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return record


def _without_scores(record: dict) -> tuple[dict, list[float]]:
    scores = [entity.pop("score") for entity in record["entities"]]
    return record, scores


def test_export_writes_what_a_downstream_app_needs(ner_model: Path, onnx_models: dict[str, Path]) -> None:
    folder = onnx_models["ner"]
    assert {"model.onnx", "config.json", "tokenizer.json", "tokenizer_config.json", "README.md"} <= {
        p.name for p in folder.iterdir()
    }
    assert not list(folder.parent.glob(".ner.*")), "no temporary folder left beside the output"
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["id2label"] == json.loads((ner_model / "config.json").read_text(encoding="utf-8"))["id2label"]
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert card.startswith((ner_model / "README.md").read_text(encoding="utf-8").rstrip("\n")) and "## ONNX export" in card
    linked = [name for name in ("f1_by_type.png", "reliability.png") if f"]({name})" in card]
    assert linked and all((folder / name).is_file() for name in linked), "the figures the card links travel with it"
    assert "learned linker" not in card, "an NER model has none"
    claims_card = (onnx_models["claims"] / "README.md").read_text(encoding="utf-8").split("## ONNX export")[1]
    assert "The learned linker of the source folder is not exported" in claims_card, "its claims are linked by rule there"
    tokenizer_config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert tokenizer_config["tokenizer_class"] == "PreTrainedTokenizerFast", "loadable by transformers 4.x, as model/ is"

    import onnxruntime as ort

    session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
    assert [(i.name, i.shape) for i in session.get_inputs()] == [
        ("input_ids", ["batch", "sequence"]),
        ("attention_mask", ["batch", "sequence"]),
    ]
    assert [o.name for o in session.get_outputs()] == ["logits"]


def test_onnx_backend_tags_the_seed_as_torch_does_with_the_rule_linker(
    ner_model: Path, claims_model: Path, onnx_models: dict[str, Path], capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    from train.inference.linker import FILES

    assert all((claims_model / name).is_file() for name in FILES), "fit trained a linker on the seed's gold links"
    rule_linked = tmp_path / "claims"  # the torch model without its learned linker: what ONNX falls back to
    shutil.copytree(claims_model, rule_linked, ignore=shutil.ignore_patterns(*FILES))
    torch_record, torch_scores = _without_scores(_tag(capsys, ner_model, rule_linked))
    onnx_record, onnx_scores = _without_scores(_tag(capsys, onnx_models["ner"], onnx_models["claims"], "--backend", "onnx"))
    assert torch_record["entities"] and torch_record["claims"]  # the tiny models memorized the seed
    assert onnx_record == torch_record
    assert onnx_scores == pytest.approx(torch_scores, abs=1e-3)
    assert {name for claim in onnx_record["claims"] for name in claim["linker"].values()} == {LINKER}
    learned = _tag(capsys, ner_model, claims_model)["claims"]
    own = [claim["linker"][key] for claim in learned for key in ("entity", "time") if not claim[f"{key}_inherited"]]
    assert own and set(own) == {"learned"}, "a torch model with a learned linker makes every link of its own sentence"


def test_the_tagger_object_takes_the_backend(onnx_models: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    from train.inference.tagger import Tagger

    [record] = Tagger(ner=onnx_models["ner"], claims=onnx_models["claims"], backend="onnx")([SEED.read_text(encoding="utf-8")])
    assert record["entities"] == _tag(capsys, onnx_models["ner"], onnx_models["claims"], "--backend", "onnx")["entities"]
    with pytest.raises(ValueError, match="backend must be one of torch, onnx"):
        Tagger(ner=onnx_models["ner"], backend="tensorrt")


def test_int8_export_replaces_a_folder_loads_and_tags(
    ner_model: Path, onnx_models: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = tmp_path / "int8"
    folder.mkdir()
    (folder / "old.txt").write_text("replaced whole", encoding="utf-8")
    assert main(["export", str(ner_model), str(folder), "--int8", "--overwrite"]) == 0
    assert {p.name for p in folder.glob("*.onnx*")} == {"model.onnx"} and not (folder / "old.txt").exists()
    assert (folder / "model.onnx").stat().st_size < (onnx_models["ner"] / "model.onnx").stat().st_size
    capsys.readouterr()
    record = _tag(capsys, folder, onnx_models["claims"], "--backend", "onnx")
    assert record["id"] == SEED.stem and all(e["label"] in {"PERS", "LOC", "ORG", "MISC"} for e in record["entities"])


def test_export_refuses_an_existing_target_or_the_model_folder(
    ner_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["export", str(ner_model), str(target)]) == 2
    assert f"error: {target} exists; pass --overwrite to replace it" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert main(["export", str(ner_model), str(ner_model), "--overwrite"]) == 2
    assert "the output folder is the model folder itself" in capsys.readouterr().err


def test_a_truncated_model_onnx_is_one_line_naming_the_file(
    onnx_models: dict[str, Path], claims_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(onnx_models["ner"], broken)
    model = broken / "model.onnx"
    model.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    output = tmp_path / "tagged.jsonl"
    args = ["tag", "--backend", "onnx", "--ner", str(broken), "--claims", str(claims_model), str(SEED), "-o", str(output)]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: {model}: cannot load the ONNX model") and "python -m train export" in error
    assert len(error.strip().splitlines()) == 1 and not output.exists()


def test_onnx_backend_on_a_torch_folder_says_to_export(ner_model: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["tag", "--backend", "onnx", "--ner", str(ner_model), str(SEED)]) == 2
    error = capsys.readouterr().err
    assert f"{ner_model}: no model.onnx (a model folder for the torch backend); export one with" in error


def test_without_onnxruntime_tag_works_and_onnx_names_the_extra(
    ner_model: Path,
    onnx_models: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # `import onnxruntime` raises ImportError
    assert main(["tag", "--ner", str(ner_model), str(SEED)]) == 0
    capsys.readouterr()
    output = tmp_path / "tagged.jsonl"
    assert main(["tag", "--backend", "onnx", "--ner", str(onnx_models["ner"]), str(SEED), "-o", str(output)]) == 2
    error = capsys.readouterr().err
    assert error == "error: the ONNX backend needs the 'onnxruntime' package, which is not installed: " + (
        "pip install 'arabic-claims-train[onnx]'\n"
    )
    assert not output.exists()
    assert main(["export", str(ner_model), str(tmp_path / "out")]) == 2
    assert "pip install 'arabic-claims-train[onnx]'" in capsys.readouterr().err and not (tmp_path / "out").exists()
