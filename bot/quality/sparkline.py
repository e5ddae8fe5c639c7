"""A series as one line of block characters: ``▁▁▁▇██▇▁▁``; a space where there is no data."""

from __future__ import annotations

import itertools
import math

import numpy as np
import numpy.typing as npt

BARS = "▁▂▃▄▅▆▇█"
WIDTH = 30


def sparkline(
    values: npt.NDArray[np.float64], *, width: int = WIDTH, top: float | None = None
) -> str:
    """Each character is the maximum of its share of ``values``, scaled from 0 to
    ``top`` (at least the series' own maximum), so the worst moment is never averaged away."""
    if values.size == 0 or width < 1:
        return ""
    edges = np.linspace(0, values.size, min(width, values.size) + 1).astype(int)
    cells: list[float] = []
    for a, b in itertools.pairwise(edges):
        chunk = values[a:b]
        cells.append(float(np.nanmax(chunk)) if np.any(~np.isnan(chunk)) else math.nan)
    seen = [c for c in cells if not math.isnan(c)]
    scale = max([top or 0.0, *seen]) or 1.0
    return "".join(
        " " if math.isnan(c) else BARS[min(len(BARS) - 1, int(max(c, 0.0) / scale * len(BARS)))]
        for c in cells
    )
