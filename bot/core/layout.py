"""A table as aligned plain text that fits a width: the console and Slack's code blocks.

Columns keep their natural width while the table fits ``WIDTH`` characters (100: a
terminal, a Slack code block on a laptop). Past it long columns (prose) give way
first, wrapping between words down to ``PROSE`` characters; then headers wider than
their cells; then short columns (a date and its zone); last, prose down to its
longest word. A wrapped cell
continues on the next lines within its column, so every column stays aligned.
Words are never broken: a RequestId or a user id stays whole, to be copied; a
table whose unbreakable words alone are wider than the width is let run over, its
prose wrapped only down to ``PROSE``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

WIDTH = 100
SHORT = 24  # a column no wider than this is a short one: it wraps only as a last resort
PROSE = 16  # a long column narrows between words down to this first
GAP = "  "


def aligned(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int = WIDTH) -> list[str]:
    """The header, a rule and the rows, each line at most ``width`` characters
    (unless the longest words of the columns alone are wider)."""
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
    cells = [max((len(r[i]) for r in grid[1:]), default=0) for i in range(count)]
    long = [w > SHORT for w in widths]
    # Prose wraps first, keeping a readable column; then a header wider than its cells;
    # then short columns (a date and its zone); last, prose down to its longest word.
    prose = [max(words[i], PROSE) if long[i] else widths[i] for i in range(count)]
    header = [prose[i] if long[i] else max(words[i], cells[i]) for i in range(count)]
    short = [prose[i] if long[i] else max(words[i], 1) for i in range(count)]
    tight = [max(words[i], 1) for i in range(count)]
    passes = [prose, header, short, tight]
    room = width - len(GAP) * (count - 1)
    if sum(passes[-1]) > room:  # it will run over anyway: wrap prose only, keep it legible
        passes = passes[:1]
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
    return textwrap.wrap(cell, width, break_long_words=False, break_on_hyphens=False) or [""]
