"""The PNG that goes into the thread: minutes per day, stacked by type.

Drawn as the quality chart is (matplotlib's object API on the Agg canvas, no
pyplot, safe in a worker thread: call ``render_png`` through ``asyncio.to_thread``),
and kept out of ``bot.usage``'s re-exports so the analysis does not import matplotlib.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.usage.report import UsageReport
from bot.usage.verdict import Spike

WIDTH_PX, HEIGHT_PX, DPI = 1000, 600, 100
_COLOURS = {
    "Audio": "#2ca02c",
    "SD": "#17becf",
    "HD": "#1f77b4",
    "FullHD": "#9467bd",
    "2K": "#ff7f0e",
    "4K": "#d62728",
    "Recording": "#8c564b",
    "Mixing": "#7f7f7f",
}


def render_png(title: str, report: UsageReport, spike: Spike | None = None) -> bytes:
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    days = report.days
    labels = [f"{d:%a}\n{d:%m-%d}" for d in days]
    bottom = [0.0] * len(days)
    for kind in report.used_types():
        values = [report.of(d, kind) for d in days]
        ax.bar(labels, values, bottom=bottom, color=_COLOURS.get(kind, "#bcbd22"), label=kind)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if spike is not None and spike.day in days:
        index = days.index(spike.day)
        ax.annotate(
            f"{spike.kind} ×{spike.factor:.1f}" if spike.median else spike.kind,
            (index, bottom[index]),
            ha="center",
            va="bottom",
            fontsize="small",
        )
    ax.set_ylabel("minutes")
    ax.set_ylim(bottom=0)
    ax.grid(True, axis="y", alpha=0.3)
    if report.used_types():
        ax.legend(loc="upper left", fontsize="small")
    ax.set_xlabel("Beijing days (UTC+8), as TRTC counts usage")
    ax.set_title(title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
