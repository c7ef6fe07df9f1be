"""Files in and out: strict text decoding for every reader (and ``tag`` and the config loader), and
atomic file and folder writes, so that a crash never leaves a half-written output that looks complete.

Reading: a file is read whole and decoded in its declared encoding (UTF-8 unless a source sets
``encoding``, see :class:`train.config.SourceConfig`). A binary file, or one in another encoding (cp1256
is still how many Arabic files arrive), stops with one :class:`~train.errors.DataError` line that names
the file, the line and byte offset, and the fix; never a ``UnicodeDecodeError`` traceback. A UTF-8
byte-order mark is dropped; line breaks are ``\\n``, ``\\r\\n`` or ``\\r``, as when Python opens a text
file. New readers (label-studio, doccano, ...) call :func:`read_text` or :func:`read_lines`.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from train.errors import DataError
from train.killpoints import kill_point

_UMASK = os.umask(0)
os.umask(_UMASK)
DEFAULT_ENCODING = "utf-8"
_ARABIC_RE = re.compile("[\u0621-\u064a]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _fix(where: str, raw: bytes, encoding: str) -> str:
    """How to convert the file: from cp1256 when that reads as Arabic, else from its real encoding."""
    legacy = raw.decode("cp1256", errors="replace")
    source = "cp1256" if len(_ARABIC_RE.findall(legacy)) > len(legacy) // 10 else "ENCODING"
    named = " (Windows Arabic)" if source == "cp1256" else " (the file's real encoding)"
    path = Path(where)
    converted = path.with_name(f"{path.stem}.utf8{path.suffix}")  # the suffix kept: tag reads formats by it
    return (
        f"convert it{named}: iconv -f {source} -t {encoding} {where} > {converted}; "
        f"or, for a data source in a config, set 'encoding: {source.lower()}' on it"
    )


def _line_at(raw: bytes, offset: int) -> int:
    """The line number of byte ``offset``, counting ``\\n``, ``\\r\\n`` and ``\\r`` breaks as :func:`split_lines` does."""
    return len(split_lines(raw[:offset].decode("latin-1")))


def decode(raw: bytes, where: str, encoding: str = DEFAULT_ENCODING) -> str:
    """``raw`` decoded strictly; :class:`DataError` naming ``where``, the line and the byte offset, else."""
    utf8 = codecs.lookup(encoding).name == "utf-8"
    try:
        text = raw.decode("utf-8-sig" if utf8 else encoding)
    except UnicodeDecodeError as error:
        if utf8 and (nul := raw.find(b"\x00")) >= 0:
            line = _line_at(raw, nul)
            raise DataError(f"{where}:{line}: looks binary (a NUL byte at byte {nul}), not a text file") from None
        line = _line_at(raw, error.start)
        raise DataError(
            f"{where}:{line}: not {encoding} text (byte {error.start} is 0x{raw[error.start]:02x}); {_fix(where, raw, encoding)}"
        ) from None
    if (nul := text.find("\x00")) >= 0:
        line = len(split_lines(text[:nul]))
        raise DataError(f"{where}:{line}: looks binary (a NUL character at character {nul}), not a text file")
    return text


def read_text(path: Path, encoding: str = DEFAULT_ENCODING) -> str:
    """The text of ``path``, decoded strictly (see :func:`decode`); an unreadable file is a :class:`DataError`."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot be read: {error.strerror or error}") from None
    return decode(raw, str(path), encoding)


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their breaks (``\\n``, ``\\r\\n``, ``\\r``), numbered as an editor does."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_lines(path: Path, encoding: str = DEFAULT_ENCODING) -> list[str]:
    """:func:`split_lines` of :func:`read_text`."""
    return split_lines(read_text(path, encoding))


def check_text(text: str, where: str) -> None:
    """A text must be writable as UTF-8: a JSON ``\\ud800`` escape leaves an unpaired surrogate that is not."""
    if found := _SURROGATE_RE.search(text):
        raise DataError(f"{where}: the text holds an unpaired surrogate (U+{ord(found.group()):04X}, a bad \\u escape)")


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes the file private
        kill_point("atomic-write")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_jsonl(path: Path, rows: Iterable[dict]) -> Path:
    return atomic_write_text(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def atomic_write_json(path: Path, data: dict) -> Path:
    return atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the system or the
    file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd, exchange = -100, 2
    return renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), exchange) == 0


@contextlib.contextmanager
def atomic_directory(path: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; on success it replaces ``path`` whole. An old ``path`` is
    swapped with the new folder in one step where Linux allows it, so that a kill at any point leaves the
    old folder or the new one; elsewhere it is moved aside first, and a kill between the two renames
    leaves neither (the old one stays as ``.NAME.old``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    os.chmod(tmp, 0o777 & ~_UMASK)
    try:
        yield tmp
        kill_point("atomic-directory")
        if path.is_dir() and _exchange(tmp, path):
            shutil.rmtree(tmp, ignore_errors=True)  # the old folder, now under the temporary name
        elif path.exists():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            path.rename(old)
            try:
                tmp.rename(path)
            except BaseException:
                old.rename(path)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
