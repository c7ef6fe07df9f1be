"""What survives a kill: real ``SIGKILL``s at named points (``ARABIC_TRAIN_KILL_AT``, see
:mod:`train.killpoints`) in ``fit`` of both engines, ``data`` and ``tag -o``; then the rerun's weights
equal an uninterrupted run's, and an output is either the old one or absent. Also checkpoints that are
not whole among whole ones, none left, and the fast engine under several processes."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tiny_fit_args

from train.cli import main
from train.killpoints import VARIABLE
from train.training.checkpoints import MARKER, TRAINER_FILES, checkpoint_problem, mark_complete, newest_whole

ROOT = Path(__file__).resolve().parent.parent
ENGINES = {
    "trainer": ("train.epochs=2",),  # 27 sentences, batch 8: checkpoints 4 and 8
    "fast": ("train.epochs=2", "train.engine=fast", "train.fast.batch_tokens=512", "train.fast.save_steps=2"),  # 3 steps an epoch
}


def killed(*args: str, kill_at: str) -> None:
    """Run ``python -m train ARGS`` in a subprocess that kills itself at ``kill_at``."""
    env = {**os.environ, VARIABLE: kill_at, "HF_HUB_OFFLINE": "1"}  # the threads of this process: the same sums
    done = subprocess.run([sys.executable, "-m", "train", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]


def weights(run: Path) -> bytes:
    return (run / "model" / "model.safetensors").read_bytes()


@pytest.fixture(scope="module")
def straight(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, bytes]]:
    """An uninterrupted run of each engine: its folder and its final weights."""
    runs = tmp_path_factory.mktemp("straight")
    for engine, extra in ENGINES.items():
        assert main(tiny_fit_args(data_dir, runs / engine, *extra)) == 0
    return {engine: (runs / engine, weights(runs / engine)) for engine in ENGINES}


@pytest.mark.parametrize(
    "engine, kill_at, skipped",
    [
        pytest.param("trainer", "step:6", None, marks=pytest.mark.slow),  # mid-epoch, after checkpoint-4
        ("trainer", "checkpoint-file:2", "checkpoint-8"),  # checkpoint-8 has weights and optimizer, no RNG or state
        pytest.param("trainer", "model-folder", None, marks=pytest.mark.slow),  # checkpoints whole, model/ not in place
        ("fast", "step:5", None),  # mid-epoch, after checkpoint-4
        ("fast", "checkpoint-file:7", None),  # checkpoint-3 has model, optimizer, scheduler; it is still a temporary
        pytest.param("fast", "model-folder", None, marks=pytest.mark.slow),
    ],
)
def test_a_killed_fit_resumes_to_the_weights_of_an_uninterrupted_run(
    engine: str,
    kill_at: str,
    skipped: str | None,
    straight: dict[str, tuple[Path, bytes]],
    data_dir: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    run = tmp_path / "run"
    args = tiny_fit_args(data_dir, run, *ENGINES[engine])
    killed(*args, kill_at=kill_at)
    assert not (run / "model").exists(), "a killed run leaves no model folder"
    assert [p.name for p in run.iterdir() if not p.name.startswith(".")] == ["checkpoints"]
    with caplog.at_level(logging.WARNING):
        assert main(args) == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    if skipped:
        assert len(warnings) == 1 and f"{skipped} is not a whole checkpoint" in warnings[0], warnings
    assert weights(run) == straight[engine][1]
    assert not list((run / "checkpoints").glob(".*")), "the temporary folders of killed saves are removed"
    for folder in (run / "checkpoints").glob("checkpoint-*"):
        assert (folder / MARKER).is_file()


@pytest.mark.parametrize("engine", ENGINES)
def test_checkpoints_that_are_not_whole_are_skipped_with_one_warning_each(
    engine: str, straight: dict[str, tuple[Path, bytes]], data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run, expected = straight[engine]  # the uninterrupted run's folder, its weights already read
    args = tiny_fit_args(data_dir, run, *ENGINES[engine])
    checkpoints = run / "checkpoints"
    last = sorted(checkpoints.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))[-1]
    (last / MARKER).unlink()  # a version that wrote no marker, every file there
    partial = shutil.copytree(last, checkpoints / "checkpoint-98")
    mark_complete(partial)
    (partial / "optimizer.pt").write_bytes(b"half")  # a kill, or a full disk, while it was written
    (checkpoints / "checkpoint-99").mkdir()  # killed before its first file
    shutil.rmtree(run / "model")
    with caplog.at_level(logging.WARNING):
        assert main(args) == 0
    warnings = sorted(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert len(warnings) == 3, warnings
    assert f"{last} is not a whole checkpoint (no completion marker" in warnings[0]
    assert "checkpoint-98 is not a whole checkpoint (optimizer.pt has 4 bytes" in warnings[1]
    assert "checkpoint-99 is not a whole checkpoint" in warnings[2]
    assert weights(run) == expected, "resumed from an earlier whole checkpoint, to the same weights"


def test_no_whole_checkpoint_left_is_an_error_naming_the_folder_and_the_way_out(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    run = tmp_path / "run"
    args = tiny_fit_args(data_dir, run, "train.max_steps=2")
    assert main(args) == 0
    for marker in (run / "checkpoints").glob(f"checkpoint-*/{MARKER}"):
        marker.unlink()
    (run / "checkpoints" / "checkpoint-12").mkdir()
    capsys.readouterr()
    assert main(args) == 2
    error = capsys.readouterr().err
    assert f"{run / 'checkpoints'}: no whole checkpoint to resume from (checkpoint-12: " in error
    assert "train.resume=false" in error and "removes every checkpoint" in error
    assert main([*args, "train.resume=false"]) == 0


def test_a_checkpoint_is_whole_only_with_its_marker_every_listed_file_and_the_files_resume_needs(tmp_path: Path) -> None:
    folder = tmp_path / "checkpoint-4"
    folder.mkdir()
    for name in ("model.safetensors", "optimizer.pt", "scheduler.pt", "trainer_state.json", "rng_state_0.pth"):
        (folder / name).write_text(name)
    assert "no completion marker" in checkpoint_problem(folder, TRAINER_FILES)
    mark_complete(folder)
    assert checkpoint_problem(folder, TRAINER_FILES) is None
    (folder / "rng_state_0.pth").unlink()
    assert checkpoint_problem(folder, TRAINER_FILES) == "rng_state_0.pth is missing"
    mark_complete(folder)  # a marker written although the RNG state is not there
    assert checkpoint_problem(folder, TRAINER_FILES) == "rng_state.pth or rng_state_*.pth is missing"
    (folder / MARKER).write_text("{not json")
    assert checkpoint_problem(folder, TRAINER_FILES).startswith("unreadable")
    assert newest_whole(tmp_path, TRAINER_FILES)[0] is None


def test_the_fast_engine_refuses_several_processes(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert main(tiny_fit_args(data_dir, tmp_path / "run", "train.engine=fast", "train.max_steps=1")) == 2
    error = capsys.readouterr().err
    assert "train.engine=fast trains on one process, and this run has 2" in error and "train.engine=trainer" in error
    assert not (tmp_path / "run" / "model").exists()


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("old", [True, False])
def test_a_killed_data_run_leaves_the_old_dataset_or_none(data_dir: Path, tmp_path: Path, old: bool) -> None:
    output = tmp_path / "data"
    if old:
        shutil.copytree(data_dir, output)
    before = listing(output) if old else None
    killed("data", "configs/tiny.yaml", f"data.output={output}", "data.seed=14", kill_at="atomic-directory")
    assert (listing(output) if output.exists() else None) == before
    assert all(p.name.startswith(".") for p in tmp_path.iterdir() if p.name != "data"), "temporary names start with '.'"


def test_a_killed_tag_run_leaves_the_old_output(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("قال الوزير إن 300 شخص قتلوا في 12 مارس.\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    output.write_text('{"old": true}\n', encoding="utf-8")
    killed("tag", str(article), "-o", str(output), kill_at="atomic-write")
    assert output.read_text(encoding="utf-8") == '{"old": true}\n'
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("article.txt", "out.jsonl"))
    assert left and all(name.startswith(".out.jsonl.") for name in left), left
    assert main(["tag", str(article), "-o", str(output)]) == 0
    assert json.loads(output.read_text(encoding="utf-8").splitlines()[0])["claims"]
