"""One line that says where the minutes went: the day and type that stand out.

A day stands out when one type's minutes are at least ``SPIKE_FACTOR`` times that
type's median over the other days of the report (and more than a floor, so a jump
from 3 to 12 minutes is not news). The rooms that account for most of it come from
DescribeTrtcRoomUsage for that day, when the caller fetched them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.trtc.usage import RoomUsage
from bot.usage.report import UsageReport

SPIKE_FACTOR = 2.0
FLOOR_MINUTES = 100.0
TOP_SHARE = 0.8  # name the rooms that together make this much of the day


@dataclass(frozen=True, slots=True)
class Spike:
    day: date
    kind: str
    minutes: float
    median: float

    @property
    def excess(self) -> float:
        return self.minutes - self.median

    @property
    def factor(self) -> float:
        return self.minutes / self.median if self.median else float("inf")


def median_of(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def find_spike(report: UsageReport, factor: float = SPIKE_FACTOR) -> Spike | None:
    """Of the (day, type) pairs ``factor`` above their median, the one with the most minutes
    above it: a type going from 0 to 400 minutes is less news than one from 5,000 to 100,000."""
    best: Spike | None = None
    days = report.days
    for kind in report.used_types():
        for day in days:
            value = report.of(day, kind)
            others = [report.of(d, kind) for d in days if d != day]
            spike = Spike(day, kind, value, median_of(others))
            if value < FLOOR_MINUTES or spike.factor < factor:
                continue
            if best is None or spike.excess > best.excess:
                best = spike
    return best


def top_rooms(rooms: Sequence[RoomUsage], share: float = TOP_SHARE) -> tuple[list[str], float]:
    """The fewest rooms (at most three) making ``share`` of the minutes, and their share."""
    total = sum(r.minutes for r in rooms)
    if not total:
        return [], 0.0
    named: list[str] = []
    covered = 0.0
    for room in sorted(rooms, key=lambda r: -r.minutes)[:3]:
        named.append(room.room)
        covered += room.minutes
        if covered / total >= share:
            break
    return named, covered / total


def verdict(report: UsageReport, spike: Spike | None, rooms: Sequence[RoomUsage] = ()) -> str:
    if spike is None:
        busiest = max(report.days, key=report.total, default=None)
        if busiest is None or not report.total(busiest):
            return "No usage in these days."
        return (
            f"No day stands out: the busiest, {busiest:%A} {busiest.isoformat()}, is within "
            f"{SPIKE_FACTOR:g}× of the median for every type."
        )
    factor = "from nothing" if spike.median == 0 else f"{spike.factor:.1f}×"
    line = (
        f"{spike.kind} minutes up {factor} on {spike.day:%A} {spike.day.isoformat()} "
        f"({spike.minutes:,.0f} against a median of {spike.median:,.0f})"
    )
    named, share = top_rooms(rooms)
    if named:
        which, verb = ("room", "accounts") if len(named) == 1 else ("rooms", "account")
        line += f"; {which} {_and(named)} {verb} for {share:.0%} of that day"
    return line + "."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
