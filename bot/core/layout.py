"""A table as aligned plain text that fits a width: the console and Slack's code blocks.

Columns keep their natural width while the table fits ``WIDTH`` characters (100: a
terminal, a Slack code block on a laptop). Past it long columns (prose, ids) give
way first, wrapping between words down to ``PROSE`` characters, then breaking words
down to ``MIN_COLUMN``; short columns (a time, a name, an outcome) wrap last. A
wrapped cell continues on the next lines within its column, so a row never runs off
the screen and every column stays aligned.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

WIDTH = 100
MIN_COLUMN = 8
SHORT = 24  # a column no wider than this is a short one: it wraps only as a last resort
PROSE = 16  # a long column narrows between words down to this first
GAP = "  "


def aligned(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int = WIDTH) -> list[str]:
    """The header, a rule and the rows, each line at most ``width`` characters
    (unless even the narrowest columns cannot fit)."""
    grid = [list(columns), *([*r, *[""] * (len(columns) - len(r))] for r in rows)]
    widths = _fitted(grid, width)
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


def _fitted(grid: list[list[str]], width: int) -> list[int]:
    """Narrow, one character at a time, the column with the most to give in each pass
    (see the module's docstring) until the table fits or nothing may give."""
    count = len(grid[0])
    widths = [max(len(r[i]) for r in grid) for i in range(count)]
    words = [max((len(w) for r in grid for w in r[i].split()), default=0) for i in range(count)]
    long = [w > SHORT for w in widths]
    passes = (
        [max(words[i], PROSE) if long[i] else widths[i] for i in range(count)],
        [MIN_COLUMN if long[i] else widths[i] for i in range(count)],
        [min(MIN_COLUMN, widths[i]) for i in range(count)],
    )
    room = width - len(GAP) * (count - 1)
    for floors in passes:
        while sum(widths) > room:
            give = max(range(count), key=lambda i: widths[i] - floors[i])
            if widths[give] <= floors[give]:
                break
            widths[give] -= 1
    return widths


def _at(lines: list[str], depth: int) -> str:
    return lines[depth] if depth < len(lines) else ""


def _wrapped(cell: str, width: int) -> list[str]:
    if len(cell) <= width:
        return [cell]
    return textwrap.wrap(cell, width, break_on_hyphens=False) or [""]
