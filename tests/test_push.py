"""Hub push: dry-run listing, token handling, folder checks, and the ignore rule shared with the upload."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub import HfApi

import train.reporting.push as push_module
from train.reporting.push import IGNORE_PATTERNS, PushError, push, upload_plan

FAKE_TOKEN = "hf_FAKEtokenDoNotLeak1234567890"

MODEL_FILES = {
    "README.md": '---\nlanguage: ar\n---\n# card\ntagger = pipeline("token-classification", model="ORG/NAME")\n',
    "config.json": "{}",
    "model.safetensors": "x" * 2048,
    "tokenizer.json": "{}",
    "tokenizer_config.json": "{}",
    "eval_results.json": "{}",
}
LEFTOVERS = {
    "checkpoint-500/model.safetensors": "x" * 10,
    "checkpoint-500/optimizer.pt": "x",
    "checkpoint-500/trainer_state.json": "{}",
    "runs/Nov26_14-00-00/events.out.tfevents.1.host": "x",
    "training_args.bin": "x",
    ".README.abc123.tmp": "partial",
    "__pycache__/x.cpython-311.pyc": "x",
    ".git/config": "x",
}


def _make_folder(root: Path, files: dict[str, str]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return _make_folder(tmp_path / "model", {**MODEL_FILES, **LEFTOVERS})


@pytest.fixture
def no_saved_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(push_module, "get_token", lambda: None)


@pytest.fixture
def hf_api_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("HfApi must not be constructed")

    monkeypatch.setattr(push_module, "HfApi", refuse)


class RecordingApi:
    instances: list[RecordingApi] = []

    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        RecordingApi.instances.append(self)

    def create_repo(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append(("create_repo", args, kwargs))
        return "https://huggingface.co/acme/model"

    def upload_folder(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append(("upload_folder", args, kwargs))
        return "https://huggingface.co/acme/model/commit/abc"


@pytest.fixture
def recording_api(monkeypatch: pytest.MonkeyPatch) -> type[RecordingApi]:
    RecordingApi.instances = []
    monkeypatch.setattr(push_module, "HfApi", RecordingApi)
    return RecordingApi


def test_dry_run_lists_model_files_without_leftovers(model_dir: Path, no_saved_token: None, hf_api_forbidden: None) -> None:
    lines = push(model_dir, "acme/camelbert-msa-ner", dry_run=True)
    assert lines == [
        "README.md (88 B)",
        "config.json (2 B)",
        "eval_results.json (2 B)",
        "model.safetensors (2.0 KB)",
        "tokenizer.json (2 B)",
        "tokenizer_config.json (2 B)",
    ]
    assert 'model="ORG/NAME"' in (model_dir / "README.md").read_text(encoding="utf-8"), "a dry run changes nothing"


def test_upload_plan_sizes_and_nested_leftovers(tmp_path: Path) -> None:
    folder = _make_folder(
        tmp_path / "m",
        {
            **MODEL_FILES,
            "extra/notes.txt": "abc",
            "extra/checkpoint-9/w.bin": "x",
            "extra/runs/e": "x",
            "errors_test.jsonl": "{}",
        },
    )
    assert ("extra/notes.txt", 3) in upload_plan(folder)
    assert "errors_test.jsonl" not in [path for path, _ in upload_plan(folder)]
    assert not [path for path, _ in upload_plan(folder) if "checkpoint-" in path or "/runs/" in path]


def test_no_token_fails_before_any_work(tmp_path: Path, no_saved_token: None, hf_api_forbidden: None) -> None:
    with pytest.raises(PushError, match=r"HF_TOKEN.*hf auth login"):
        push(tmp_path / "does-not-exist", "acme/model")


def test_incomplete_folder_names_what_is_missing(tmp_path: Path, no_saved_token: None, hf_api_forbidden: None) -> None:
    folder = _make_folder(
        tmp_path / "m",
        {"config.json": "{}", "tokenizer_config.json": "{}", "checkpoint-5/model.safetensors": "x"},
    )
    with pytest.raises(PushError) as error:
        push(folder, "acme/model", dry_run=True)
    message = str(error.value)
    assert "README.md" in message
    assert "*.safetensors" in message  # the checkpoint's weights do not count
    assert "tokenizer.json or vocab.txt" in message
    assert "config.json," not in message


def test_vocab_txt_is_an_accepted_tokenizer(tmp_path: Path, no_saved_token: None) -> None:
    files = {k: v for k, v in MODEL_FILES.items() if k != "tokenizer.json"}
    folder = _make_folder(tmp_path / "m", {**files, "vocab.txt": "[PAD]\n"})
    assert "vocab.txt (6 B)" in push(folder, "acme/model", dry_run=True)


def test_invalid_repo_id(model_dir: Path, no_saved_token: None) -> None:
    with pytest.raises(PushError, match="Invalid repo id"):
        push(model_dir, "acme//bad id", dry_run=True)
    with pytest.raises(PushError, match="owner"):
        push(model_dir, "just-a-name", dry_run=True)


@pytest.mark.parametrize("source", ["argument", "env", "saved-login"])
def test_push_creates_repo_and_uploads_with_shared_ignore_rule(
    source: str,
    model_dir: Path,
    recording_api: type[RecordingApi],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(push_module, "get_token", lambda: FAKE_TOKEN if source == "saved-login" else None)
    if source == "env":
        monkeypatch.setenv("HF_TOKEN", FAKE_TOKEN)
    caplog.set_level(logging.DEBUG)

    lines = push(model_dir, "acme/camelbert-msa-ner", private=True, token=FAKE_TOKEN if source == "argument" else None)

    assert [line.split()[0] for line in lines] == [line.split()[0] for line in push(model_dir, "x/y", dry_run=True)]
    [api] = recording_api.instances
    assert api.token == FAKE_TOKEN
    (create_name, create_args, create_kwargs), (upload_name, _, upload_kwargs) = api.calls
    assert create_name == "create_repo" and upload_name == "upload_folder"
    assert create_args == ("acme/camelbert-msa-ner",)
    assert create_kwargs == {"exist_ok": True, "private": True, "repo_type": "model"}
    assert upload_kwargs["repo_id"] == "acme/camelbert-msa-ner"
    assert upload_kwargs["repo_type"] == "model"
    assert Path(upload_kwargs["folder_path"]) == model_dir
    assert upload_kwargs["ignore_patterns"] == list(IGNORE_PATTERNS)
    assert "checkpoint-*/*" in upload_kwargs["ignore_patterns"]
    assert "runs/*" in upload_kwargs["ignore_patterns"]

    captured = capsys.readouterr()
    assert FAKE_TOKEN not in captured.out + captured.err
    assert FAKE_TOKEN not in caplog.text
    assert "Uploaded 6 files" in caplog.text
    card = (model_dir / "README.md").read_text(encoding="utf-8")
    assert 'pipeline("token-classification", model="acme/camelbert-msa-ner")' in card, "the card names its repo"


def test_real_upload_folder_sends_exactly_the_dry_run_files(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs huggingface_hub's own upload_folder up to the commit, offline, and compares file lists."""

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr("huggingface_hub.hf_api.is_xet_available", lambda: False)
    monkeypatch.setattr(HfApi, "_validate_yaml", lambda self, content, **kwargs: None)
    committed: list[str] = []

    def record_commit(self: HfApi, **kwargs: Any) -> None:
        committed.extend(op.path_in_repo for op in kwargs["operations"])

    monkeypatch.setattr(HfApi, "create_commit", record_commit)

    HfApi(token=FAKE_TOKEN).upload_folder(
        repo_id="acme/model", folder_path=model_dir, repo_type="model", ignore_patterns=list(IGNORE_PATTERNS)
    )
    assert sorted(committed) == [path for path, _ in upload_plan(model_dir)]


def test_the_card_figures_are_uploaded(tmp_path: Path, no_saved_token: None, hf_api_forbidden: None) -> None:
    from train.reporting.figures import F1_CHART, RELIABILITY_CHART

    folder = _make_folder(tmp_path / "model", MODEL_FILES)
    for name in (F1_CHART, RELIABILITY_CHART):
        (folder / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    planned = [line.split(" (")[0] for line in push(folder, "acme/camelbert-msa-ner", dry_run=True)]
    assert {F1_CHART, RELIABILITY_CHART} <= set(planned)


def test_a_folder_transformers_4_cannot_load_is_refused_with_the_command_that_fixes_it(
    tmp_path: Path, no_saved_token: None, hf_api_forbidden: None
) -> None:
    folder = _make_folder(tmp_path / "m", {**MODEL_FILES, "tokenizer_config.json": '{"tokenizer_class": "TokenizersBackend"}'})
    with pytest.raises(PushError, match=r"transformers 4\.x could not load it .*python -m train portable"):
        push(folder, "acme/model", dry_run=True)
