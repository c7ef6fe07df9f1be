"""Strict decoding shared by every reader (and ``tag``): a file is read whole and decoded in its declared
encoding (UTF-8 unless a source sets ``encoding``, see :class:`train.config.SourceConfig`). A binary
file, or one in another encoding (cp1256 is still how many Arabic files arrive), stops with one line that
names the file, the line and byte offset, and the fix; never a ``UnicodeDecodeError`` traceback.

A UTF-8 byte-order mark is dropped; line breaks are ``\\n``, ``\\r\\n`` or ``\\r``, as when Python opens
a text file. New readers (label-studio, doccano, ...) call :func:`read_text` or :func:`read_lines`.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from train.data.articles import DataError

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
