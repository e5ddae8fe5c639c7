"""The room in one line, then the users with problems, worst first, each with a sparkline.

With many users with problems, what they share comes first (``groups``). A
problem shared by most of the room (at least ``ROOM_WIDE_MIN`` users and
``ROOM_WIDE_SHARE`` of those graded, the same metric bad at overlapping times) is
called room-wide: then the likely cause is not any one person's network but
TRTC's side or a network they all share.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.quality.findings import Assessment, Finding, Grade
from bot.quality.groups import group_line
from bot.quality.sparkline import sparkline
from bot.quality.thresholds import DEFAULT_THRESHOLDS, Family, Metric, Thresholds
from bot.quality.window import Window, span

MAX_LISTED = 10
ROOM_WIDE_MIN = 3
ROOM_WIDE_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class RoomQuality:
    room: str
    window: Window
    assessments: tuple[Assessment, ...]  # the users with problems
    fine: int
    no_data: tuple[str, ...] = ()  # in the call, but no sample in the window
    gaps: tuple[str, ...] = ()  # what could not be fetched, in words

    @property
    def worst(self) -> list[Assessment]:
        return sorted(self.assessments, key=lambda a: (-a.grade.rank, -a.score, a.user.user_id))

    @property
    def graded(self) -> int:
        return len(self.assessments) + self.fine

    def count(self, grade: Grade) -> int:
        return sum(a.grade is grade for a in self.assessments)


def room_wide(room: RoomQuality) -> tuple[Metric, int, Window] | None:
    """The metric most users had bad at overlapping times, if it is most of the room."""
    best: tuple[Metric, int, Window] | None = None
    for metric in Metric:
        hits: list[Finding] = [
            f
            for a in room.assessments
            for f in a.findings[:1]
            if f.metric is metric and f.grade is Grade.BAD
        ]
        if not hits:
            continue
        start, end = max(f.start for f in hits), min(f.end for f in hits)
        if start >= end:
            start, end = min(f.start for f in hits), max(f.end for f in hits)
            hits = [h for h in hits if h.start < end and start < h.end]
        if len(hits) >= max(ROOM_WIDE_MIN, ROOM_WIDE_SHARE * room.graded) and (
            best is None or len(hits) > best[1]
        ):
            best = (metric, len(hits), Window(start, end))
    return best


def verdict(room: RoomQuality) -> str:
    when = f"{span(room.window.start, room.window.end)} UTC"
    if not room.assessments:
        if room.fine == 0:
            return f"Room {room.room}: no user had quality data {when}."
        graded = " with data" if room.gaps else ""  # the others could not be fetched
        users = (
            f"the only user{graded} was"
            if room.fine == 1
            else f"all {room.fine:,} users{graded} were"
        )
        return f"Room {room.room} looks healthy: {users} fine {when}."
    shared = room_wide(room)
    if shared is not None:
        metric, count, window = shared
        return (
            f"Room {room.room}: room-wide {metric.label} for {count:,} of {room.graded:,} users "
            f"{span(window.start, window.end)} UTC — likely TRTC's side or a network they share."
        )
    worst = room.worst[0]
    main = worst.main
    headline = main.words.split(" (")[0] if main else worst.grade.value
    problems = len(room.assessments)
    bad, degraded = room.count(Grade.BAD), room.count(Grade.DEGRADED)
    # One grade is said once ("had bad quality"), never as a second count of the same users.
    had = (
        f"had problems {when} ({bad:,} bad, {degraded:,} degraded)"
        if bad and degraded
        else f"had {worst.grade.value} quality {when}"
    )
    return (
        f"Room {room.room}: {problems:,} of {room.graded:,} users {had}; "
        f"worst: {worst.user.user_id} ({headline})."
    )


def summary_lines(room: RoomQuality, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[str]:
    worst = room.worst
    group = group_line(worst)
    lines: list[str] = [f"Together: {group}"] if group else []
    for assessment in worst[:MAX_LISTED]:
        lines.append(assessment.line())
        if assessment.grade is Grade.BAD:
            spark = sparkline_line(assessment, thresholds)
            if spark:
                lines.append("    " + spark)
    if len(worst) > MAX_LISTED:
        lines.append(f"…and {len(worst) - MAX_LISTED:,} more users with problems.")
    fine = room.fine
    if room.assessments:  # else the verdict already said they all were
        lines.append("1 user was fine." if fine == 1 else f"{fine:,} users were fine.")
    if room.no_data:
        named = ", ".join(room.no_data[:5]) + ("…" if len(room.no_data) > 5 else "")
        lines.append(f"{len(room.no_data):,} in the call had no samples in the window: {named}")
    lines.extend(f"Missing: {gap}" for gap in room.gaps)
    return lines


def sparkline_line(
    assessment: Assessment,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    metric: Metric | None = None,
) -> str | None:
    """``14:00 ▁▁▇██▁▁ 14:30  upstream audio loss, peak 22%``"""
    metric = metric or assessment.worst_metric
    result = assessment.user.metrics.get(metric) if metric else None
    if metric is None or result is None or result.timeline is None:
        return None
    limits = thresholds.of(metric)
    # Scale to twice "poor" so a bad stretch stands tall; CPU and app CPU to 100 %.
    top = 100.0 if metric.family is Family.CPU else (2 * limits.poor if limits else None)
    window = assessment.user.window
    first, last = span(window.start, window.end).split("–")  # the headline's minutes
    spark = sparkline(result.timeline.values(), top=top)
    peak = metric.show(result.summary.max)
    return f"{first} {spark} {last}  {metric.label}, peak {peak}"
