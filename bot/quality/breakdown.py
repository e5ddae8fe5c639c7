"""One user's full breakdown: every metric's p50 / p95 / max, bad intervals, events."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.quality.findings import Assessment, device_words
from bot.quality.thresholds import DEFAULT_THRESHOLDS, Metric, Thresholds
from bot.quality.verdict import sparkline_line
from bot.quality.window import hhmm, span

COLUMNS = ("Metric", "p50", "p95", "max", "over poor", "bad intervals")


@dataclass(frozen=True, slots=True)
class Breakdown:
    headline: str
    fields: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, ...], ...]  # COLUMNS, one row per metric with data
    lines: tuple[str, ...]


def breakdown(
    assessment: Assessment, room: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Breakdown:
    user = assessment.user
    info, window = user.info, user.window
    when = f"{span(window.start, window.end)} UTC"
    main = assessment.main
    verdict = "fine" if main is None else f"{assessment.grade.value} — {main.words}"
    headline = f"{user.user_id} in room {room}, {when}: {verdict}"
    stay = user.presence
    left = ""
    if info.finished and info.leave_ts < window.end:
        exit_ = user.story.abnormal_exit if user.story else None
        left = f", left {hhmm(info.leave_ts)}" + (" abnormally" if exit_ else "")
    fields = [
        ("Device", " · ".join(device_words(user)) or "unknown"),
        ("SDK version", info.sdk_version or "unknown"),
        ("Client IP", info.client_ip or "unknown"),
        ("In the call", f"joined {hhmm(info.join_ts)}{left}"),
        ("Analysed", f"{span(stay.start, stay.end)} UTC"),
    ]
    if user.story and user.story.networks:
        path = " → ".join(name for _, name in user.story.networks)
        fields.append(("Network", path))
    if user.missing_s:
        fields.append(("Missing", f"{user.missing_s // 60} min of metrics could not be fetched"))
    rows: list[tuple[str, ...]] = []
    sparks: list[str] = []
    for metric in Metric:
        result = user.metrics.get(metric)
        if result is None or result.summary.count == 0:
            continue
        s = result.summary
        over = f"{result.seconds_over // 60}m{result.seconds_over % 60:02d}s"
        bad = ", ".join(span(i.start, i.end) for i in result.intervals) or "—"
        graded = thresholds.of(metric) is not None
        rows.append(
            (
                metric.label,
                _fmt(metric, s.p50),
                _fmt(metric, s.p95),
                _fmt(metric, s.max),
                over if graded else "—",
                bad if graded else "—",
            )
        )
        spark = sparkline_line(assessment, thresholds, metric)
        if spark:
            sparks.append(spark)
    lines = [f"Problem: {f.words}" for f in assessment.findings]
    lines += [f"Note: {c}" for c in assessment.context]
    lines += sparks
    if user.story is not None:
        lines += [
            f"Event {hhmm(i.at)}: {i.words}" + (f" ({i.detail})" if i.detail else "")
            for i in user.story.incidents
        ]
    return Breakdown(headline, tuple(fields), tuple(rows), tuple(lines))


def _fmt(metric: Metric, value: float) -> str:
    return "—" if math.isnan(value) else metric.show(value)
