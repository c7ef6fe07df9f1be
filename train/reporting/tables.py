"""The one table renderer: rows of cells as aligned plain text (for the terminal) or as Markdown (for
the cards and the benchmark results). Every table the project prints or writes goes through here."""

from __future__ import annotations

from collections.abc import Sequence

Row = Sequence[str]


def _widths(rows: Sequence[Row], least: Sequence[int] = ()) -> list[int]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [max([width, *least[i : i + 1]]) for i, width in enumerate(widths)]


def text_table(
    header: Row,
    rows: Sequence[Row],
    *,
    align: str = "<",
    sep: str = "  ",
    rule: str | None = "  ",
    groups: Sequence[int] = (),
    least: Sequence[int] = (),
) -> str:
    """``header`` and ``rows`` in columns as wide as their widest cell (or ``least``), joined by ``sep``.

    ``align`` gives each column's alignment (``<`` left, ``>`` right; one character for every column,
    or the first column's and the others'). ``rule``: a line of dashes under the header, joined by this
    string (``None``: no line); ``groups``: row indices before which a rule also stands.
    """
    widths = _widths([header, *rows], least)
    aligns = align if len(align) == len(widths) else (align[0] + align[-1] * (len(widths) - 1))

    def line(cells: Row) -> str:
        return sep.join(cell.ljust(w) if a == "<" else cell.rjust(w) for cell, w, a in zip(cells, widths, aligns))

    dashes = None if rule is None else rule.join("-" * w for w in widths)
    lines = [line(header), *([dashes] if dashes is not None else [])]
    for index, row in enumerate(rows):
        if index in groups and dashes is not None:
            lines.append(dashes)
        lines.append(line(row))
    return "\n".join(lines)


def markdown_table(header: Row, rows: Sequence[Row], *, padded: bool = False) -> str:
    """A Markdown (GitHub) table; ``padded`` pads every cell to its column's width, for reading as text."""
    if padded:
        widths = _widths([header, *rows])
        lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in [header, *rows]]
        lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(lines)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
