"""Usage statistics: minutes by tier per day, and per room (trtc-server-api-2.md §7).

The four account-wide APIs take Beijing dates (end inclusive) over at most 31 days
and answer daily points, or 5-minute points for a single day; a longer range is
split here and every answer is folded into per-day totals. DescribeTrtcRoomUsage
answers a CSV (seconds per room and tier) for at most 24 h, one day per query on
the mainland, at most one request per 15 s: asked a day at a time, paced.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from bot.trtc.errors import TrtcLimitError
from bot.trtc.transport import Transport

TIERS = ("Audio", "SD", "HD", "FullHD", "2K", "4K")
MAX_DAYS = 31  # InvalidParameter.QueryScaleOversize beyond it
ROOM_USAGE_INTERVAL_S = 15.0  # DescribeTrtcRoomUsage: 1 request per 15 s
BEIJING = timedelta(hours=8)  # the usage APIs' dates (UNCONFIRMED; the examples suggest it)
# The CSV's header spells "hd" in lower case in the official example: match any case.
_CANONICAL = {t.lower(): t for t in TIERS}

MixType = Literal["single", "multi"]
Reduce = Callable[[list[float]], float]


def beijing_date(ts: float) -> date:
    """The day TRTC's usage APIs file ``ts`` under."""
    return (datetime.fromtimestamp(ts, UTC) + BEIJING).date()


def day_bounds(day: date) -> tuple[float, float]:
    """[start, end) of a Beijing day in Unix seconds."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - BEIJING
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


def date_windows(start: date, end: date, days: int = MAX_DAYS) -> Iterator[tuple[date, date]]:
    """Consecutive inclusive [a, b] date ranges covering [start, end], ``days`` long at most."""
    while start <= end:
        stop = min(start + timedelta(days=days - 1), end)
        yield start, stop
        start = stop + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class UsageTable:
    """One API's answer: named columns (``UsageKey``) and the values of each time point."""

    keys: tuple[str, ...]
    points: tuple[tuple[str, tuple[float, ...]], ...]  # (TimeKey, UsageValue)

    def per_day(self, reduce: Reduce = sum) -> dict[date, dict[str, float]]:
        """Each day's value per key: summed (minutes), or ``max`` (peak bandwidth)."""
        gathered: dict[date, dict[str, list[float]]] = {}
        for time_key, values in self.points:
            day = date.fromisoformat(time_key[:10])
            columns = gathered.setdefault(day, {k: [] for k in self.keys})
            for key, value in zip(self.keys, values, strict=False):
                columns[key].append(value)
        return {d: {k: reduce(v) if v else 0.0 for k, v in c.items()} for d, c in gathered.items()}

    @classmethod
    def merge(cls, tables: list[UsageTable]) -> UsageTable:
        keys = next((t.keys for t in tables if t.keys), ())
        return cls(keys, tuple(p for t in tables for p in t.points))

    @classmethod
    def from_response(cls, answer: dict[str, Any]) -> UsageTable:
        keys = tuple(str(k) for k in answer.get("UsageKey") or ())
        points = tuple(
            (str(p["TimeKey"]), tuple(float(v) for v in p.get("UsageValue") or ()))
            for p in answer.get("UsageList") or ()
        )
        return cls(keys, points)


@dataclass(frozen=True, slots=True)
class RoomUsage:
    """One room's row of DescribeTrtcRoomUsage: seconds per tier."""

    room: str
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def minutes(self) -> float:
        return sum(self.seconds.values()) / 60


def parse_room_csv(data: str) -> list[RoomUsage]:
    """The CSV as documented: a header naming the tiers, then a row per room."""
    rows = list(csv.reader(io.StringIO(data)))
    if not rows:
        return []
    header = [_CANONICAL.get(h.strip().lower(), h.strip()) for h in rows[0][1:]]
    out = []
    for row in rows[1:]:
        if not row:
            continue
        values = {h: float(v or 0) for h, v in zip(header, row[1:], strict=False)}
        out.append(RoomUsage(row[0], values))
    return out


class UsageApi:
    """The five usage actions over the client's transport."""

    def __init__(self, transport: Transport, *, room_interval_s: float | None = None) -> None:
        self.transport = transport
        # Pacing follows the client's: a client that does not pace (tests) does not wait.
        if room_interval_s is None:
            room_interval_s = ROOM_USAGE_INTERVAL_S if transport.rate_limit else 0.0
        self.room_interval_s = room_interval_s
        self._room_lock = asyncio.Lock()
        self._room_last: float | None = None

    async def _table(
        self, action: str, start: date, end: date, sdkappid: int | None, **extra: Any
    ) -> UsageTable:
        if end < start:
            raise TrtcLimitError(f"{action}: the end date is before the start date", action=action)
        tables = []
        for a, b in date_windows(start, end):
            params: dict[str, Any] = {"StartTime": a.isoformat(), "EndTime": b.isoformat()}
            if sdkappid is not None:
                params["SdkAppId"] = sdkappid
            tables.append(
                UsageTable.from_response(await self.transport.call(action, {**params, **extra}))
            )
        return UsageTable.merge(tables)

    async def trtc(self, start: date, end: date, sdkappid: int | None = None) -> UsageTable:
        """Audio/video minutes by tier (Audio, SD, HD, FullHD, 2K, 4K)."""
        return await self._table("DescribeTrtcUsage", start, end, sdkappid)

    async def recording(
        self, start: date, end: date, mix_type: MixType, sdkappid: int | None = None
    ) -> UsageTable:
        return await self._table("DescribeRecordingUsage", start, end, sdkappid, MixType=mix_type)

    async def mix_transcoding(
        self, start: date, end: date, sdkappid: int | None = None
    ) -> UsageTable:
        return await self._table("DescribeMixTranscodingUsage", start, end, sdkappid)

    async def relay(self, start: date, end: date, sdkappid: int | None = None) -> UsageTable:
        """Relay-to-CDN bandwidth (unit not stated; presumably Mbps): take the peak per day."""
        return await self._table("DescribeRelayUsage", start, end, sdkappid)

    async def rooms(self, sdkappid: int, day: date) -> list[RoomUsage]:
        """Seconds per room over one Beijing day (00:00–23:59), paced one per 15 s."""
        action = "DescribeTrtcRoomUsage"
        params = {
            "SdkAppid": sdkappid,  # sic: lower-case "id" in this action
            "StartTime": f"{day.isoformat()} 00:00",
            "EndTime": f"{day.isoformat()} 23:59",
        }
        async with self._room_lock:
            if self._room_last is not None and self.room_interval_s:
                wait = self._room_last + self.room_interval_s - asyncio.get_running_loop().time()
                if wait > 0:
                    await asyncio.sleep(wait)
            try:
                answer = await self.transport.call(action, params)
            finally:
                self._room_last = asyncio.get_running_loop().time()
        return parse_room_csv(str(answer.get("Data") or ""))
