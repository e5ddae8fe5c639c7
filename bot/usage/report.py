"""A usage report: minutes per day by type, from the five usage APIs at once.

Types are the billing tiers of audio/video (Audio, SD, HD, FullHD, 2K, 4K),
recording (single and mixed added up) and mixing/transcoding, all in minutes;
relay to CDN is bandwidth (its unit is not stated; presumably Mbps), so it is kept
apart as a daily peak and never stacked with minutes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

from bot.trtc.usage import TIERS, UsageApi, UsageTable

RECORDING = "Recording"
MIXING = "Mixing"
TYPES = (*TIERS, RECORDING, MIXING)


@dataclass(frozen=True, slots=True)
class UsageReport:
    """``minutes[day][type]`` for every day of [start, end], and the relay peaks."""

    start: date
    end: date
    minutes: dict[date, dict[str, float]]
    relay_peak: dict[date, float]

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def of(self, day: date, kind: str) -> float:
        return self.minutes.get(day, {}).get(kind, 0.0)

    def total(self, day: date) -> float:
        return sum(self.minutes.get(day, {}).values())

    def totals(self) -> dict[str, float]:
        return {k: sum(self.of(d, k) for d in self.days) for k in TYPES}

    def used_types(self) -> list[str]:
        """The types with any minutes in the report, in billing order."""
        totals = self.totals()
        return [k for k in TYPES if totals[k] > 0]


def _fold(table: UsageTable, into: dict[date, dict[str, float]], rename: str | None) -> None:
    for day, values in table.per_day().items():
        row = into.setdefault(day, dict.fromkeys(TYPES, 0.0))
        for key, value in values.items():
            kind = rename or key
            if kind in row:
                row[kind] += value


async def fetch_report(api: UsageApi, start: date, end: date, app: int | None) -> UsageReport:
    """Every usage API for [start, end] (Beijing dates), concurrently."""
    trtc, single, multi, mixing, relay = await asyncio.gather(
        api.trtc(start, end, app),
        api.recording(start, end, "single", app),
        api.recording(start, end, "multi", app),
        api.mix_transcoding(start, end, app),
        api.relay(start, end, app),
    )
    minutes: dict[date, dict[str, float]] = {}
    _fold(trtc, minutes, None)
    _fold(single, minutes, RECORDING)
    _fold(multi, minutes, RECORDING)
    _fold(mixing, minutes, MIXING)
    peaks = {d: max(v.values(), default=0.0) for d, v in relay.per_day(max).items()}
    return UsageReport(start, end, minutes, peaks)
