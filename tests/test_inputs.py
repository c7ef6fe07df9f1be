"""Hostile inputs: files in another encoding or binary, and bad JSONL lines, through the readers, ``data``
and ``tag`` (exit codes 0 all tagged, 1 some skipped, 2 nothing usable or --strict)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from train.cli import main
from train.config import load_config
from train.data.articles import DataError
from train.data.readers import read_conll, read_jsonl, read_standoff
from train.io import decode, read_lines, read_text

ROOT = Path(__file__).resolve().parent.parent
ARABIC = "قال المتحدث إن نحو 6500 شخص غادروا المنطقة"


def test_a_cp1256_file_names_the_file_line_byte_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "ok"}\n' + json.dumps({"id": "b", "text": ARABIC}, ensure_ascii=False).encode("cp1256")
    )
    with pytest.raises(DataError) as caught:
        read_jsonl(path, ("claims",))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:2: not utf-8 text (byte 47 is 0x")
    assert f"iconv -f cp1256 -t utf-8 {path} > {tmp_path / 'legacy.utf8.jsonl'}" in message and "encoding: cp1256" in message
    assert [a.text for a in read_jsonl(path, ("claims",), encoding="cp1256")] == ["ok", ARABIC]


def test_the_line_of_a_bad_byte_counts_every_kind_of_line_break(tmp_path: Path) -> None:
    path = tmp_path / "old-mac.txt"
    path.write_bytes("أول\rثان\r\n".encode() + ARABIC.encode("cp1256"))
    with pytest.raises(DataError, match=rf"^{re.escape(str(path))}:3: not utf-8 text"):
        read_text(path)


def test_a_binary_file_is_named_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "image.conll"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    with pytest.raises(DataError, match=rf"^{path}:3: looks binary \(a NUL byte at byte 8\)"):
        read_conll(path)
    path.write_bytes(b"word O\n\x00\x00 O\n")  # valid UTF-8, NUL characters
    with pytest.raises(DataError, match=rf"^{path}:2: looks binary"):
        read_conll(path)


def test_standoff_corpus_and_conll_decode_strictly(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(json.dumps({"docno": "d1", "text": ARABIC}, ensure_ascii=False).encode("cp1256") + b"\n")
    annotations = tmp_path / "standoff.jsonl"
    annotations.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=rf"^{corpus}:1: not utf-8 text"):
        read_standoff(annotations, [corpus], ("claims",))
    conll = tmp_path / "legacy.txt"
    conll.write_bytes("قال O\nالمتحدث O\n".encode("cp1256"))
    with pytest.raises(DataError, match=rf"^{conll}:1: not utf-8 text"):
        read_conll(conll)
    assert [a.text for a in read_conll(conll, encoding="cp1256")] == ["قال المتحدث"]


def test_lines_break_as_python_text_files_do_and_a_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_bytes(b"\xef\xbb\xbfa\r\nb\rc\n")
    assert read_lines(path) == ["a", "b", "c", ""]
    assert decode("\u2028".encode(), "x") == "\u2028", "a line separator inside a JSON string is no line break"


def _data_args(tmp_path: Path, *overrides: str) -> list[str]:
    return ["data", "configs/tiny.yaml", f"data.output={tmp_path / 'data'}", *overrides]


def _error_lines(capsys: pytest.CaptureFixture) -> list[str]:
    """The lines of standard error after the progress bars: the one-line error, nothing else."""
    return [line for line in capsys.readouterr().err.replace("\r", "\n").splitlines() if line and "read sources" not in line]


def test_data_stops_on_a_cp1256_or_binary_source_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    legacy = tmp_path / "legacy.jsonl"
    legacy.write_bytes(json.dumps({"id": "x1", "text": ARABIC, "spans": []}, ensure_ascii=False).encode("cp1256") + b"\n")
    assert main(_data_args(tmp_path, f"data.sources.1.path={legacy}")) == 2
    [error] = _error_lines(capsys)
    assert error.startswith(f"error: {legacy}:1: not utf-8 text (byte ") and "iconv -f cp1256" in error
    assert not (tmp_path / "data").exists()

    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(bytes(range(256)))
    assert main(_data_args(tmp_path, f"data.sources.1.path={binary}")) == 2
    [error] = _error_lines(capsys)
    assert error.startswith(f"error: {binary}:1: looks binary")
    assert not (tmp_path / "data").exists()

    assert main(_data_args(tmp_path, f"data.sources.1.path={legacy}", "data.sources.1.encoding=cp1256")) == 0
    assert (tmp_path / "data").is_dir()
    assert main(_data_args(tmp_path, "data.sources.1.encoding=klingon")) == 2
    assert "unknown encoding 'klingon'" in capsys.readouterr().err


@pytest.fixture
def mixed_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"id": "good-1", "text": ARABIC}, ensure_ascii=False),
        '["valid", "JSON", "not an object"]',
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "number-text", "text": 42}),
        "",
        '{"id": "broken", "text": ',
        json.dumps({"id": "good-2", "text": "غادر 300 شخص"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_tag_skips_bad_lines_once_each_and_exits_1(mixed_jsonl: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    output = tmp_path / "out.jsonl"
    with caplog.at_level(logging.WARNING):
        assert main(["tag", str(mixed_jsonl), "-o", str(output)]) == 1
    assert [json.loads(line)["id"] for line in output.read_text(encoding="utf-8").splitlines()] == ["good-1", "good-2"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"skipped {mixed_jsonl}:2: expected a JSON object per line, got list",
        f"skipped {mixed_jsonl}:3: no text (each line needs a non-empty string 'text')",
        f"skipped {mixed_jsonl}:4: no text (each line needs a non-empty string 'text')",
        f"skipped {mixed_jsonl}:6: malformed JSON: Expecting value (column 26)",
    ]
    assert all(w.count(str(mixed_jsonl)) == 1 for w in warnings)


def test_tag_strict_makes_any_problem_fatal_and_writes_nothing(
    mixed_jsonl: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    output = tmp_path / "out.jsonl"
    assert main(["tag", "--strict", str(mixed_jsonl), "-o", str(output)]) == 2
    assert "--strict: 4 input problem(s)" in capsys.readouterr().err
    assert not output.exists()


def test_tag_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARABIC, encoding="utf-8")
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(ARABIC.encode("cp1256"))
    assert main(["tag", str(good)]) == 0
    assert main(["tag", "--strict", str(good)]) == 0
    assert main(["tag", str(good), str(legacy)]) == 1
    assert main(["tag", str(legacy)]) == 2
    assert "every input was skipped" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["tag", "--no-such-flag", str(good)])
    assert usage.value.code == 2


def test_tag_names_a_cp1256_text_file_with_the_fix(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(("سطر أول\n" + ARABIC).encode("cp1256"))
    good = tmp_path / "good.txt"
    good.write_text(ARABIC, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert main(["tag", str(legacy), str(good)]) == 1
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.startswith(f"skipped {legacy}:1: not utf-8 text (byte 0 is 0x")
    assert f"iconv -f cp1256 -t utf-8 {legacy} > {tmp_path / 'legacy.utf8.txt'}" in warning


def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARABIC, encoding="utf-8")
    assert main(["tag", str(article), "-o", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and str(tmp_path) in error and "Traceback" not in error


def test_a_config_in_cp1256_names_the_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "legacy.yaml"
    config.write_bytes("data:\n  output: runs/x  # بيانات\n".encode("cp1256"))
    with pytest.raises(DataError, match=rf"^{re.escape(str(config))}:2: not utf-8 text"):
        load_config(config)
