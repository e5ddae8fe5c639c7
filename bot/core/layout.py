"""A table as aligned plain text that fits a width: the console and Slack's code blocks.

Columns keep their natural width while the table fits ``WIDTH`` characters (100: a
terminal, a Slack code block on a laptop). Past it the widest columns give way, down
to ``MIN_COLUMN``, and their cells wrap onto continuation lines within the column,
so a row never runs off the screen and every column stays aligned.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

WIDTH = 100
MIN_COLUMN = 8
GAP = "  "


def aligned(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int = WIDTH) -> list[str]:
    """The header, a rule and the rows, each line at most ``width`` characters
    (unless even the narrowest columns cannot fit)."""
    grid = [list(columns), *([*r, *[""] * (len(columns) - len(r))] for r in rows)]
    widths = _fitted([max(len(r[i]) for r in grid) for i in range(len(columns))], width)
    out: list[str] = []
    for n, row in enumerate(grid):
        cells = [_wrapped(cell, w) for cell, w in zip(row, widths, strict=False)]
        for depth in range(max(len(c) for c in cells)):
            parts = [
                (c[depth] if depth < len(c) else "").ljust(w)
                for c, w in zip(cells, widths, strict=True)
            ]
            out.append(GAP.join(parts).rstrip())
        if n == 0:
            out.append(GAP.join("-" * w for w in widths))
    return out


def _fitted(widths: list[int], width: int) -> list[int]:
    """Narrow the widest column, one character at a time, until the table fits."""
    widths = list(widths)
    room = width - len(GAP) * (len(widths) - 1)
    while sum(widths) > room:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= MIN_COLUMN:
            break
        widths[widest] -= 1
    return widths


def _at(lines: list[str], depth: int) -> str:
    return lines[depth] if depth < len(lines) else ""


def _wrapped(cell: str, width: int) -> list[str]:
    if len(cell) <= width:
        return [cell]
    return textwrap.wrap(cell, width, break_on_hyphens=False) or [""]
