"""Call-quality analysis: pure functions and small state, no I/O but the fetch.

``bot.quality.fetch`` asks TRTC for one call's data, through a client it is
given; the rest folds what was fetched into grades, causes, a room verdict and
sparklines. The PNG chart is in ``bot.quality.chart`` (not re-exported: it
imports matplotlib), the fetch in ``bot.quality.fetch`` (not re-exported: the
analysis stays importable without it).
"""

from bot.quality.accumulator import MetricResult, Piece, UserAccumulator, UserQuality, pieces
from bot.quality.breakdown import COLUMNS, Breakdown, breakdown
from bot.quality.distribution import Histogram, Summary
from bot.quality.findings import Assessment, Finding, Grade, assess
from bot.quality.incidents import Incident, IncidentKind, Story, read_events
from bot.quality.intervals import Interval, RunFinder, find_intervals
from bot.quality.sparkline import sparkline
from bot.quality.thresholds import (
    DATA_TYPES,
    DEFAULT_THRESHOLDS,
    Family,
    Limits,
    Metric,
    Thresholds,
)
from bot.quality.timeline import Timeline
from bot.quality.verdict import MAX_LISTED, RoomQuality, room_wide, summary_lines, verdict
from bot.quality.window import SLICE_S, Window, hhmm, span

__all__ = [
    "COLUMNS",
    "DATA_TYPES",
    "DEFAULT_THRESHOLDS",
    "MAX_LISTED",
    "SLICE_S",
    "Assessment",
    "Breakdown",
    "Family",
    "Finding",
    "Grade",
    "Histogram",
    "Incident",
    "IncidentKind",
    "Interval",
    "Limits",
    "Metric",
    "MetricResult",
    "Piece",
    "RoomQuality",
    "RunFinder",
    "Story",
    "Summary",
    "Thresholds",
    "Timeline",
    "UserAccumulator",
    "UserQuality",
    "Window",
    "assess",
    "breakdown",
    "find_intervals",
    "hhmm",
    "pieces",
    "read_events",
    "room_wide",
    "span",
    "sparkline",
    "summary_lines",
    "verdict",
]
