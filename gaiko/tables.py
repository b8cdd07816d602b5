"""Plain-text and Markdown tables, and how a missing number is shown in them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

NONE = "–"  # a missing value in a table (an en dash)


def number_or_none(value: float | None, spec: str = ".3f", none: str = NONE) -> str:
    """A number formatted with `spec`, or `none` for a missing one."""
    return none if value is None else format(value, spec)


def markdown_lines(header: Sequence[str], rows: Iterable[Sequence[str]], align: str | None = None) -> list[str]:
    """A Markdown table as lines: `align` has one letter per column, l (the default) or r; a `|` in a
    cell is escaped."""
    align = align or "l" * len(header)
    rule = "|" + "".join("---:|" if a == "r" else "---|" for a in align)
    return [_markdown_row(header), rule, *map(_markdown_row, rows)]


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str | None = None) -> str:
    return "\n".join(markdown_lines(header, rows, align)) + "\n"


def _markdown_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def plain_lines(rows: Sequence[Sequence[str]], align: str | None = None) -> list[str]:
    """Rows (the header first) as lines of columns padded to equal width, two spaces apart: `align` has
    one letter per column, l (the default) or r."""
    align = align or "l" * len(rows[0])
    widths = [max(len(row[i]) for row in rows) for i in range(len(align))]
    return ["  ".join(cell.rjust(w) if a == "r" else cell.ljust(w)
                      for cell, w, a in zip(row, widths, align, strict=True)) for row in rows]
