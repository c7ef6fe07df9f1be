"""Atomic outputs: a crash at any point leaves either the old output or the new one, whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from train import io
from train.io import atomic_directory


def make_folder(path: Path, text: str) -> None:
    path.mkdir()
    (path / "weights").write_text(text)


def test_a_finished_block_replaces_the_folder_whole(tmp_path: Path) -> None:
    target = tmp_path / "model"
    make_folder(target, "old")
    (target / "stale").write_text("from the old run")
    with atomic_directory(target) as tmp:
        (tmp / "weights").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["weights"]
    assert (target / "weights").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_a_crash_inside_the_block_leaves_the_old_folder(tmp_path: Path) -> None:
    target = tmp_path / "model"
    make_folder(target, "old")
    with pytest.raises(RuntimeError), atomic_directory(target) as tmp:
        (tmp / "weights").write_text("half")
        raise RuntimeError("killed")
    assert (target / "weights").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_a_failed_swap_puts_the_old_folder_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "model"
    make_folder(target, "old")
    rename = Path.rename

    def failing_rename(self: Path, destination):
        if self.name.endswith(".tmp"):
            raise OSError("no space left on device")
        return rename(self, destination)

    monkeypatch.setattr(Path, "rename", failing_rename)
    monkeypatch.setattr(io, "_exchange", lambda a, b: False)  # no renameat2: the old folder is moved aside first
    with pytest.raises(OSError), atomic_directory(target) as tmp:
        (tmp / "weights").write_text("new")
    assert (target / "weights").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_on_linux_the_new_folder_is_swapped_in_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    probe = [tmp_path / "a", tmp_path / "b"]
    for folder in probe:
        folder.mkdir()
    if not io._exchange(*probe):
        pytest.skip("no renameat2(RENAME_EXCHANGE) here")
    target = tmp_path / "model"
    make_folder(target, "old")

    def no_rename(self: Path, destination):
        raise AssertionError("a swap in one step renames nothing aside")

    monkeypatch.setattr(Path, "rename", no_rename)
    with atomic_directory(target) as tmp:
        (tmp / "weights").write_text("new")
    assert (target / "weights").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "model"]
