"""The smoke training path through the real command line: metrics, pipeline, card, resume, 2 processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import tiny_fit_args
from huggingface_hub import ModelCard
from safetensors.torch import load_file

import train.training.fit as fit_module
import train.training.trainer as trainer_module
from train.cli import main
from train.training.fast import set_dropout, tf32

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = (ROOT / "seeds" / "000_5aed8b592000b0fd.txt").read_text(encoding="utf-8")


def fit_args(data_dir: Path, run_dir: Path, *extra: str) -> list[str]:
    return tiny_fit_args(data_dir, run_dir, "train.epochs=3", *extra)


def test_fit_writes_a_complete_model_folder(ner_model: Path) -> None:
    for name in ("config.json", "model.safetensors", "tokenizer.json", "run_config.yaml", "README.md", "eval_results.json"):
        assert (ner_model / name).is_file(), name
    config = json.loads((ner_model / "config.json").read_text())
    assert config["id2label"]["1"] == "B-PERS" and config["label2id"]["I-MISC"] == 8
    results = json.loads((ner_model / "eval_results.json").read_text())
    for split in ("validation", "test"):
        assert set(results[split]) >= {"strict", "conlleval", "accuracy", "by_source"}
        assert 0.0 <= results[split]["strict"]["f1"] <= 1.0
    assert (ner_model / "classification_report_test.txt").is_file()
    assert not list(ner_model.parent.glob(".model*")), "no temporary folder is left behind"


def test_model_loads_in_pipeline_and_tags_the_seed(ner_model: Path) -> None:
    from transformers import pipeline

    tagger = pipeline("token-classification", model=str(ner_model), aggregation_strategy="first")
    first_line = SEED_TEXT.splitlines()[0]
    entities = tagger(first_line)
    assert entities, "the seed article is in the tiny training set: its entities are memorized"
    for entity in entities:
        assert entity["entity_group"] in {"PERS", "LOC", "ORG", "MISC"}
        assert first_line[entity["start"] : entity["end"]] == entity["word"]
    diacritized = "استسلمَ مِئاتٌ مِنْ مُقاتِلي الدولةِ الإسلاميةِ"
    assert tagger.tokenizer(diacritized).tokens() == tagger.tokenizer("استسلم مئات من مقاتلي الدولة الإسلامية").tokens()
    digits = tagger.tokenizer("نحو ٦٥٠٠ و۶۵۰۰", return_offsets_mapping=True)
    western = tagger.tokenizer("نحو 6500 و6500", return_offsets_mapping=True)
    assert digits.tokens() == western.tokens() and digits["offset_mapping"] == western["offset_mapping"]


def test_model_card_parses_and_model_index_round_trips(ner_model: Path) -> None:
    from huggingface_hub.repocard_data import model_index_to_eval_results

    card = ModelCard.load(ner_model / "README.md")
    assert card.data.language == "ar" and card.data.pipeline_tag == "token-classification"
    results = json.loads((ner_model / "eval_results.json").read_text())
    _, parsed = model_index_to_eval_results(card.data.to_dict()["model-index"])
    f1 = {(r.dataset_split, r.metric_name): r.metric_value for r in parsed}
    strict = [
        value for (split, name), value in f1.items() if split == "test" and "strict" in name.lower() and "f1" in name.lower()
    ]
    assert strict and abs(strict[0] - round(results["test"]["strict"]["f1"], 4)) < 1e-9
    assert "learning_rate" in card.text and "ANERcorp" in card.text


def test_evaluate_command_rewrites_results(ner_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    model = shutil.copytree(ner_model, tmp_path / "model")
    before = json.loads((model / "eval_results.json").read_text())
    (model / "eval_results.json").unlink()
    assert main(["evaluate", str(model), "--split", "validation", "--split", "test"]) == 0
    after = json.loads((model / "eval_results.json").read_text())
    assert after["test"]["strict"] == before["test"]["strict"]
    assert after["validation"]["strict"] == before["validation"]["strict"]
    out = capsys.readouterr().out
    assert "ner / validation" in out and "ner / test" in out


class Interrupt(trainer_module.EpochSummary):
    """Stops the run like a kill right after the second epoch's checkpoint is saved."""

    def on_save(self, args, state, control, **kwargs):
        if state.epoch >= 2:
            raise KeyboardInterrupt


def test_resume_after_interruption_matches_uninterrupted(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    assert main(fit_args(data_dir, straight)) == 0
    with monkeypatch.context() as patch:
        patch.setattr(trainer_module, "EpochSummary", Interrupt)
        with pytest.raises(KeyboardInterrupt):
            main(fit_args(data_dir, resumed))
    assert not (resumed / "model").exists(), "an interrupted run leaves no model folder"
    assert list((resumed / "checkpoints").glob("checkpoint-*"))
    assert main(fit_args(data_dir, resumed)) == 0
    expected = json.loads((straight / "model" / "eval_results.json").read_text())
    got = json.loads((resumed / "model" / "eval_results.json").read_text())
    assert got["test"]["strict"] == expected["test"]["strict"]
    assert got["validation"]["accuracy"] == expected["validation"]["accuracy"]


def test_resume_refuses_checkpoints_of_another_configuration(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    run = tmp_path / "run"
    assert main(fit_args(data_dir, run, "train.max_steps=2")) == 0
    first = (run / "model" / "model.safetensors").read_bytes()
    assert main(fit_args(data_dir, run, "train.max_steps=2", "train.learning_rate=1e-5")) == 2
    error = capsys.readouterr().err
    assert "train.learning_rate: 0.003 -> 1e-05" in error and "train.resume=false" in error
    assert (run / "model" / "model.safetensors").read_bytes() == first, "the finished model is left as it was"
    assert main(fit_args(data_dir, run, "train.max_steps=2", "train.learning_rate=1e-5", "train.resume=false")) == 0
    assert (run / "model" / "model.safetensors").read_bytes() != first, "a fresh start trains new weights"
    assert "learning_rate: 1.0e-05" in (run / "checkpoints" / "run_config.yaml").read_text()
    reporting_only = ("train.logging_steps=1", "model.license=mit")
    assert main(fit_args(data_dir, run, "train.max_steps=2", "train.learning_rate=1e-5", *reporting_only)) == 0
    assert ModelCard.load(run / "model" / "README.md").data.license == "mit"


def test_the_same_configuration_trains_the_same_weights(data_dir: Path, tmp_path: Path) -> None:
    for run in ("a", "b"):
        assert main(fit_args(data_dir, tmp_path / run, "train.max_steps=2")) == 0
    weights = [(tmp_path / run / "model" / "model.safetensors").read_bytes() for run in ("a", "b")]
    assert weights[0] == weights[1], "the seed also sets the initial weights (tiny model, classifier head)"


def test_training_prints_step_and_epoch_lines_not_raw_log_dicts(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(fit_args(data_dir, tmp_path / "run", "train.epochs=1", "train.logging_steps=1")) == 0
    out = capsys.readouterr().out
    assert "step 1/4 | loss " in out and "| lr " in out
    assert "epoch 1.00 | step 4 | train loss " in out and "| dev F1 " in out
    assert "{'" not in out


def test_fast_engine_writes_the_same_model_folder(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    overrides = ("train.engine=fast", "train.fast.batch_tokens=512", "train.fast.dropout=0", "model.license=cc-by-sa-4.0")
    assert main(fit_args(data_dir, tmp_path / "fast", *overrides)) == 0
    model = tmp_path / "fast" / "model"
    assert (
        "  fast:\n    learning_rate: 0.0005\n    batch_tokens: 512\n    dropout: 0.0\n" in (model / "run_config.yaml").read_text()
    )
    assert ModelCard.load(model / "README.md").data.license == "cc-by-sa-4.0"
    for name in ("config.json", "model.safetensors", "tokenizer.json", "run_config.yaml", "README.md", "eval_results.json"):
        assert (model / name).is_file(), name
    checkpoints = sorted((tmp_path / "fast" / "checkpoints").glob("checkpoint-*/checkpoint-complete.json"))
    assert len(checkpoints) == 2, "one an epoch, the last two kept (train.save_total_limit)"
    assert "dev F1" in capsys.readouterr().out


def test_fast_dropout_zero_makes_training_mode_deterministic(ner_model: Path) -> None:
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(ner_model).train()
    ids = torch.randint(5, model.config.vocab_size, (4, 16))
    assert not torch.equal(model(input_ids=ids).logits, model(input_ids=ids).logits), "dropout on: two draws differ"
    set_dropout(model, 0.0)
    with torch.no_grad():
        trained = model(input_ids=ids).logits
        assert torch.equal(trained, model.eval()(input_ids=ids).logits), "no dropout left, attention included"
    assert json.loads((ner_model / "config.json").read_text())["hidden_dropout_prob"] > 0


def test_missing_base_model_fails_at_once(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    args = fit_args(data_dir, tmp_path / "run", "model.tiny=null", "model.base=CAMeL-Lab/bert-base-arabic-camelbert-msa")
    assert main(args) == 2
    error = capsys.readouterr().err
    assert "cannot load the base model 'CAMeL-Lab/bert-base-arabic-camelbert-msa'" in error
    assert "model.base=" in error and not (tmp_path / "run" / "model").exists()


@pytest.mark.slow
def test_two_process_cpu_training_with_accelerate(data_dir: Path, tmp_path: Path) -> None:
    """``accelerate launch --cpu`` alone starts one process unless MPI is set up (accelerate 1.x), so two
    CPU processes are launched through torchrun (``--multi_gpu``) with ``ACCELERATE_USE_CPU=1`` (gloo)."""
    run_dir = tmp_path / "ddp"
    command = [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--multi_gpu",
        "--num_processes",
        "2",
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "-m",
        "train",
        *fit_args(data_dir, run_dir, "train.epochs=1"),
    ]
    env = {**os.environ, "ACCELERATE_USE_CPU": "1", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    checkpoint = run_dir / "checkpoints" / "checkpoint-2"
    state = json.loads((checkpoint / "trainer_state.json").read_text())
    assert state["global_step"] == 2, "27 sentences, batch 8 per process on 2 processes: 2 steps"
    assert sorted(p.name for p in checkpoint.glob("rng_state*")) == ["rng_state_0.pth", "rng_state_1.pth"], "two ranks"
    assert (checkpoint / "checkpoint-complete.json").is_file(), "marked once both ranks had written their part"
    final, saved = (load_file(folder / "model.safetensors") for folder in (run_dir / "model", checkpoint))
    assert final.keys() == saved.keys() and all(torch.equal(final[k], saved[k]) for k in final)
    assert done.stdout.count("epoch 1.00 | step 2") == 1, "one summary line, from the main process only"
    assert not list(run_dir.glob(".*")) and not list((run_dir / "checkpoints").glob(".*"))

    refused = subprocess.run(
        [*command[: command.index("train") + 1], *fit_args(data_dir, tmp_path / "fast", "train.engine=fast")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode != 0 and refused.stderr.count("train.engine=fast trains on one process, and this run has 2") == 2
    assert not (tmp_path / "fast" / "model").exists()


def test_empty_fraction_keeps_every_row_with_a_span_and_a_seeded_share_of_the_rest() -> None:
    from datasets import Dataset

    tags = [[0, 1, 2] if i % 4 == 0 else [0, 0] for i in range(400)]
    train = Dataset.from_dict({"claim_tags": tags, "n": list(range(400))})
    kept = fit_module.thin_empty_rows(train, "claim_tags", 0.25, seed=3)
    with_span = [n for n in kept["n"] if n % 4 == 0]
    empty = [n for n in kept["n"] if n % 4]
    assert len(with_span) == 100
    assert 50 <= len(empty) <= 100
    assert kept["n"] == fit_module.thin_empty_rows(train, "claim_tags", 0.25, seed=3)["n"]
    assert fit_module.thin_empty_rows(train, "claim_tags", 1.0, seed=3) is train


def test_tf32_is_switched_on_for_the_run_and_restored_after():
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    with pytest.raises(RuntimeError), tf32(True):
        assert torch.backends.cuda.matmul.allow_tf32 and torch.backends.cudnn.allow_tf32
        raise RuntimeError("training failed")
    assert (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32) == before


def test_fit_calls_finish_inside_the_atomic_write_and_writes_only_the_model_without_it(data_dir: Path, tmp_path: Path) -> None:
    from train.config import load_config

    calls = []

    def finish(folder: Path, model, tokenizer, dataset) -> None:
        calls.append((folder.name, sorted(p.name for p in folder.iterdir()), type(model).__name__, list(dataset)))
        (folder / "extra.txt").write_text("added by finish")

    overrides = [f"data.output={data_dir}", "train.max_steps=2", "train.engine=fast"]
    model = fit_module.fit(load_config("configs/tiny.yaml", [*overrides, f"train.output_dir={tmp_path / 'with'}"]), finish)
    [(name, present, kind, splits)] = calls
    assert name.startswith(".model.") and name.endswith(".tmp"), "called on the temporary folder, before the rename"
    assert {"config.json", "model.safetensors", "tokenizer.json", "run_config.yaml"} <= set(present)
    assert (kind, splits) == ("BertForTokenClassification", ["train", "validation", "test"])
    assert (model / "extra.txt").read_text() == "added by finish"
    bare = fit_module.fit(load_config("configs/tiny.yaml", [*overrides, f"train.output_dir={tmp_path / 'bare'}"]))
    written = {p.name for p in bare.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "run_config.yaml"} <= written
    assert not written & {"README.md", "eval_results.json", "extra.txt"}, "no evaluation or card without finish"
