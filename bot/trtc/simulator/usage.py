"""The five usage actions (trtc-server-api-2.md §7), answered from the ledger.

DescribeTrtcUsage, DescribeRecordingUsage, DescribeMixTranscodingUsage and
DescribeRelayUsage take dates (``YYYY-MM-DD``, Beijing days, end inclusive) over at
most 31 days (InvalidParameter.QueryScaleOversize); one day gives 5-minute points,
more gives daily ones. Values are minutes (relay: Mbps of peak bandwidth per point).
DescribeTrtcRoomUsage takes ``YYYY-MM-DD HH:MM`` over at most 24 h and answers a CSV
of seconds per room, header as in the official example (``hd`` in lower case);
one request per 15 s per application (OperationDenied.FreqOverLimit on the mainland).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.trtc.simulator.envelope import ApiError
from bot.trtc.simulator.ledger import DAY_S, TIERS, UTC8_S, Stay
from bot.trtc.simulator.world import World

MAX_DAYS = 31
FIVE_MIN = 300
ROOM_SPAN_S = 86400
ROOM_EARLIEST = "2023-04-01 00:00"
ROOM_LOOKBACK_S = 92 * DAY_S  # "about 3 months" (mainland text)
ROOM_HEADER = ("RoomId", "Audio", "SD", "hd", "FullHD", "2K", "4K")
MIX_KEYS = ("Audio", "SDH264", "HDH264", "FullHDH264", "2KH264", "4KH264",
            "SDH265", "HDH265", "FullHDH265", "2KH265", "4KH265")  # fmt: skip
RECORDED_SHARE = {"single": 0.10, "multi": 0.05}
MIXED_SHARE = 0.05
RELAY_MBPS_PER_USER = 0.02  # a relayed stream's bandwidth, per concurrent participant
_BJ = timedelta(seconds=UTC8_S)


def _parse(text: str, fmt: str, name: str) -> int:
    try:
        moment = datetime.strptime(text, fmt).replace(tzinfo=UTC) - _BJ
    except ValueError:
        raise ApiError(
            "InvalidParameter", f"{name} `{text}` is not valid; expected {fmt}."
        ) from None
    return int(moment.timestamp())


def _key(ts: int) -> str:
    return (datetime.fromtimestamp(ts, UTC) + _BJ).strftime("%Y-%m-%d %H:%M:%S")


def _app(world: World, p: dict[str, Any], name: str = "SdkAppId") -> int | None:
    app: int | None = p.get(name)
    if app is not None and (app in world.foreign_apps or not world.has_app(app)):
        raise ApiError("InvalidParameter.SdkAppId", f"SdkAppId {app} does not exist.")
    return app


def _points(world: World, p: dict[str, Any]) -> tuple[list[tuple[int, int]], list[Stay]]:
    """The time points asked for (start, end of each) and the stays that count."""
    start = _parse(p["StartTime"], "%Y-%m-%d", "StartTime")
    end = _parse(p["EndTime"], "%Y-%m-%d", "EndTime")
    if end < start:
        raise ApiError("InvalidParameter", "EndTime is earlier than StartTime.")
    days = (end - start) // DAY_S + 1
    if days > MAX_DAYS:
        raise ApiError(
            "InvalidParameter.QueryScaleOversize",
            f"The query spans {days} days; at most {MAX_DAYS} days are allowed.",
        )
    now = world.now()
    step = FIVE_MIN if days == 1 else DAY_S
    points = [(t, t + step) for t in range(start, end + DAY_S, step) if t <= now]
    return points, world.stays(_app(world, p), now)


def _by_tier(stays: Sequence[Stay], points: Sequence[tuple[int, int]]) -> list[dict[str, float]]:
    """Minutes per tier in each point; each stay visits only the points it overlaps."""
    totals = [dict.fromkeys(TIERS, 0.0) for _ in points]
    if not points:
        return totals
    origin, step = points[0][0], points[0][1] - points[0][0]
    for stay in stays:
        first = max(0, (stay.start - origin) // step)
        last = min(len(points) - 1, (stay.end - origin) // step)
        for index in range(first, last + 1):
            a, b = points[index]
            totals[index][stay.tier] += stay.seconds_in(a, b) / 60
    return totals


def _minutes(value: float) -> float:
    return float(math.ceil(value)) if value else 0.0


def _answer(keys: Sequence[str], rows: list[tuple[int, list[float]]]) -> dict[str, Any]:
    return {
        "UsageKey": list(keys),
        "UsageList": [
            {"TimeKey": _key(t), "TimeStampKey": t, "UsageValue": values} for t, values in rows
        ],
    }


def describe_trtc_usage(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    points, stays = _points(world, p)
    tiers = _by_tier(stays, points)
    rows = [(a, [_minutes(m) for m in t.values()]) for (a, _), t in zip(points, tiers, strict=True)]
    return _answer(TIERS, rows)


def describe_recording_usage(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    mix = p["MixType"]
    if mix not in RECORDED_SHARE:
        raise ApiError("InvalidParameter", f"MixType `{mix}` is not valid; use single or multi.")
    points, stays = _points(world, p)
    share = RECORDED_SHARE[mix]
    tiers = _by_tier(stays, points)
    rows = [
        (a, [_minutes(m * share) for m in t.values()])
        for (a, _), t in zip(points, tiers, strict=True)
    ]
    return _answer(TIERS, rows)


def describe_mix_transcoding_usage(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    points, stays = _points(world, p)
    rows = []
    for (a, _), tiers in zip(points, _by_tier(stays, points), strict=True):
        h264 = [_minutes(tiers[t] * MIXED_SHARE) for t in TIERS[1:]]
        rows.append((a, [_minutes(tiers["Audio"] * MIXED_SHARE), *h264, *[0.0] * 5]))
    return _answer(MIX_KEYS, rows)


def describe_relay_usage(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    points, stays = _points(world, p)
    # Peak concurrent participants within each point, sampled every 5 minutes.
    origin = points[0][0] if points else 0
    samples = [0] * ((points[-1][1] - origin) // FIVE_MIN if points else 0)
    for stay in stays:
        first = max(0, -(-(stay.start - origin) // FIVE_MIN))  # the first sample in the stay
        for index in range(first, min(len(samples), -(-(stay.end - origin) // FIVE_MIN))):
            samples[index] += stay.users
    rows = []
    for a, b in points:
        window = samples[(a - origin) // FIVE_MIN : (b - origin) // FIVE_MIN]
        rows.append((a, [round(max(window, default=0) * RELAY_MBPS_PER_USER, 2)]))
    return _answer(("Bandwidth",), rows)


def describe_trtc_room_usage(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    app = p["SdkAppid"]
    if app in world.foreign_apps or not world.has_app(app):
        raise ApiError("FailedOperation.SdkAppIdNotExist", f"SdkAppid {app} does not exist.")
    start = _parse(p["StartTime"], "%Y-%m-%d %H:%M", "StartTime")
    end = _parse(p["EndTime"], "%Y-%m-%d %H:%M", "EndTime")
    now = world.now()
    if end <= start or end - start > ROOM_SPAN_S:
        raise ApiError(
            "InvalidParameter", "EndTime must be after StartTime and at most 24 hours later."
        )
    earliest = max(_parse(ROOM_EARLIEST, "%Y-%m-%d %H:%M", "StartTime"), now - ROOM_LOOKBACK_S)
    if start < earliest:
        raise ApiError(
            "InvalidParameter", f"StartTime is before the earliest data ({_key(earliest)})."
        )
    last = world.room_usage_asked.get(app)
    if last is not None and now - last < world.room_usage_interval_s:
        raise ApiError(
            "OperationDenied.FreqOverLimit",
            f"At most one request per {world.room_usage_interval_s:g} s for an application.",
        )
    world.room_usage_asked[app] = now
    rooms: dict[str, dict[str, int]] = {}
    for stay in world.stays(app, now):
        seconds = stay.seconds_in(start, end)
        if seconds:
            tiers = rooms.setdefault(stay.room, dict.fromkeys(TIERS, 0))
            tiers[stay.tier] += seconds
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROOM_HEADER)
    for room, tiers in sorted(rooms.items()):
        writer.writerow([room, *(tiers[t] for t in TIERS)])
    return {"Data": out.getvalue()}
