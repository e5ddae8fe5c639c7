"""The PNG that goes into the thread: loss and RTT over time for the worst users.

Each user has one colour; their bad intervals are shaded in it and an abnormal
exit is a dotted line. Only the worst ``MAX_USERS`` are drawn (the title says of
how many), and the legend sits beside the plot, not over the curves, its labels
wrapped: a 1,000-user room stays as readable as a six-user one. Rendering uses
matplotlib's object API on the Agg canvas (no pyplot, no global state), so it is
safe in a worker thread: the command calls ``render_png`` through
``asyncio.to_thread``. Kept out of ``bot.quality``'s re-exports so that importing
the analysis does not import matplotlib.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from bot.quality.distribution import FloatArray
from bot.quality.findings import Assessment, Grade
from bot.quality.intervals import IntArray
from bot.quality.thresholds import DEFAULT_THRESHOLDS, Family, Metric, Thresholds
from bot.quality.window import Window, span

MAX_USERS = 5
WIDTH_PX, HEIGHT_PX, DPI = 1000, 600, 100
LABEL_CHARS = 30  # a legend line: the legend takes about a quarter of the width
_COLOURS = ("#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")
# Fractions of the figure: room for the y labels, the title, the x labels, and on the right
# for a legend of MAX_USERS labels wrapped at LABEL_CHARS.
_MARGINS = {"left": 0.07, "right": 0.74, "top": 0.93, "bottom": 0.1, "hspace": 0.12}


@dataclass(frozen=True, slots=True)
class Series:
    """One user's curves: per-bucket maxima (NaN where there was no sample)."""

    name: str
    label: str  # "xavier — 20% upstream audio loss 14:05–14:09"
    times: IntArray
    loss: FloatArray  # the worst of the user's loss metrics, per bucket
    rtt: FloatArray
    shaded: tuple[tuple[int, int], ...]  # bad intervals
    exit_at: int | None


def series_of(assessment: Assessment) -> Series | None:
    user = assessment.user
    loss_lines = [
        r.timeline
        for m, r in user.metrics.items()
        if m.family is Family.LOSS and r.timeline is not None
    ]
    rtt = user.metrics.get(Metric.RTT)
    base = loss_lines[0] if loss_lines else (rtt.timeline if rtt else None)
    if base is None:
        return None
    blank = np.full(base.maxima.size, np.nan)
    loss = blank.copy()
    for line in loss_lines:
        loss = np.fmax(loss, line.values())
    rtt_values = rtt.timeline.values() if rtt is not None and rtt.timeline else blank
    # Only what the chart draws is shaded: a CPU interval would paint the whole panel.
    shaded = tuple(
        (f.start, f.end)
        for f in assessment.findings
        if f.grade is Grade.BAD
        and f.end > f.start
        and f.metric is not None
        and f.metric.family in (Family.LOSS, Family.RTT)
    )
    exit_ = user.story.abnormal_exit if user.story else None
    main = assessment.main
    problem = main.words.split(" (")[0] if main else "fine"
    return Series(
        user.user_id,
        f"{user.user_id} — {problem}",
        base.times(),
        loss,
        rtt_values,
        shaded,
        exit_.at if exit_ else None,
    )


def chart_of(assessments: Sequence[Assessment]) -> list[Series]:
    """The worst users who have curves to draw (at most ``MAX_USERS``)."""
    out = [s for a in assessments if (s := series_of(a)) is not None]
    return out[:MAX_USERS]


def render_png(
    room: str,
    window: Window,
    series: Sequence[Series],
    total: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> bytes:
    """``total``: how many users had problems, when more than are drawn."""
    figure = draw(room, window, series, total, thresholds)
    buffer = io.BytesIO()
    # zlib level 1: ~30 ms less than the default 6 for a file ~7 % larger.
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def draw(
    room: str,
    window: Window,
    series: Sequence[Series],
    total: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Figure:
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    # Fixed margins, the right quarter kept for the legend: a layout engine would measure
    # every label by drawing the figure twice (~60 % of the render, the command's tail).
    figure.subplots_adjust(**_MARGINS)
    loss_ax, rtt_ax = figure.subplots(2, 1, sharex=True)
    for index, line in enumerate(series):
        colour = _COLOURS[index % len(_COLOURS)]
        x = line.times.astype("datetime64[s]")  # one array: no datetime per sample
        label = textwrap.fill(line.label, LABEL_CHARS, subsequent_indent="  ")
        loss_ax.plot(x, line.loss, color=colour, linewidth=1.4, label=label)
        rtt_ax.plot(x, line.rtt, color=colour, linewidth=1.4)
        for start, end in line.shaded:
            for ax in (loss_ax, rtt_ax):
                ax.axvspan(_moment(start), _moment(end), color=colour, alpha=0.15, linewidth=0)
        if line.exit_at is not None:
            for ax in (loss_ax, rtt_ax):
                ax.axvline(_moment(line.exit_at), color=colour, linestyle=":", linewidth=1.5)
    panels = ((loss_ax, Metric.AUDIO_LOSS_UP, "packet loss (%)"), (rtt_ax, Metric.RTT, "RTT (ms)"))
    for ax, metric, unit in panels:
        limits = thresholds.of(metric)
        if limits is not None:
            ax.axhline(limits.poor, color="#555555", linestyle="--", linewidth=0.8)
        ax.set_ylabel(unit)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    rtt_ax.set_xlim(_moment(window.start), _moment(window.end))
    # matplotlib.dates ships without type hints.
    rtt_ax.xaxis.set_major_formatter(DateFormatter("%H:%M", tz=UTC))  # type: ignore[no-untyped-call]
    rtt_ax.set_xlabel("UTC (shaded: bad intervals; dotted: dropped out; dashed: poor)")
    if series:  # beside both panels, in the margin kept for it
        figure.legend(loc="upper left", bbox_to_anchor=(_MARGINS["right"] + 0.01, 0.95),
                      fontsize="small", borderaxespad=0)  # fmt: skip
    shown = len(series)
    which = f", worst {shown} of {total:,} users" if total is not None and total > shown else ""
    loss_ax.set_title(f"Room {room}: loss and RTT{which}, {span(window.start, window.end)} UTC")
    return figure


def _moment(ts: float | np.integer) -> datetime:
    return datetime.fromtimestamp(int(ts), tz=UTC)
