"""The five history actions: rooms, users, per-second quality, user events, daily scale.

``Total`` is the number of records on the returned page, as both sites document
it for DescribeRoomInfo ("返回当页数据总数" / "the number of records returned"),
so a client pages until a page comes back shorter than PageSize. A live room's
``DestroyTime`` and a present user's ``LeaveTs`` are the current time (the docs
say so for LeaveTs; the DescribeRoomInfo example shows a DestroyTime on an
unfinished room). Users and rooms are included when their stay overlaps
[StartTime, EndTime]. Days for DescribeScaleInfo start at 00:00 UTC+8, as in
the doc example, and the current day is never returned.

The account's monitoring edition gates the first three actions, and every answer
is computed as of ``World.history_now()`` (the ingestion lag behind the clock):
see ``editions.py``. The parameter checks use the real clock, as TRTC's would.
"""

from __future__ import annotations

import re
from typing import Any

from bot.trtc.simulator.call import Call, Member
from bot.trtc.simulator.datajson import data_json
from bot.trtc.simulator.envelope import ApiError, Encoded
from bot.trtc.simulator.events import user_events
from bot.trtc.simulator.management import check_app
from bot.trtc.simulator.params import (
    check_string_room,
    check_time_range,
    check_user_id,
    paging,
)
from bot.trtc.simulator.quality import METRICS, quality_series
from bot.trtc.simulator.world import World

# What the history APIs answer for an application that is not this account's (documented).
_NO_APP = "InvalidParameter.SdkAppId"

DAY_S = 86400
UTC8_S = 8 * 3600
METRICS_SPAN_S = 3600  # with DataType: beyond this the API returns Data = null
_COMM_ID = re.compile(r"\d+_.+_\d+")


def _room_state(call: Call, now: int) -> dict[str, Any]:
    finished = call.end_ts(now)
    return {
        "CommId": call.comm_id,
        "RoomString": call.room_id,
        "CreateTime": call.create_ts,
        "DestroyTime": now if finished is None else finished,
        "IsFinished": finished is not None,
        "UserId": call.creator,
    }


def _user_information(call: Call, m: Member, now: int) -> dict[str, Any]:
    return {
        "RoomStr": call.room_id,
        "UserId": m.user_id,
        "JoinTs": m.join_ts,
        "LeaveTs": m.stay_end(now),
        "DeviceType": m.device_type,
        "SdkVersion": m.sdk_version,
        "ClientIp": m.client_ip,
        "Finished": m.left(now),
    }


def _stayed(m: Member, start: int, end: int, now: int) -> bool:
    """In the call at some instant of [start, end] (a join still to come does not count)."""
    return m.join_ts <= end and m.stay_end(now) >= start


def describe_room_info(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    check_app(world, p["SdkAppId"], _NO_APP, foreign_code=_NO_APP)
    now = world.now()
    check_time_range(p["StartTime"], p["EndTime"], now=now, max_span_s=DAY_S)
    world.archive.admit("DescribeRoomInfo", p["StartTime"], now)
    number, size = paging(p, default_size=10, max_size=100)
    rooms = world.history(p["SdkAppId"], p["StartTime"], p["EndTime"], p.get("RoomId") or None)
    page = rooms[number * size : (number + 1) * size]
    known = world.history_now()
    return {"Total": len(page), "RoomList": [_room_state(c, known) for c in page]}


def _call(world: World, sdkappid: int, comm_id: str) -> Call | None:
    if not _COMM_ID.fullmatch(comm_id):
        raise ApiError(
            "InvalidParameter",
            f"CommId `{comm_id}` is not valid; expected SdkAppId_RoomId_CreateTime.",
        )
    call = world.call(comm_id)
    if call is None or call.sdkappid != sdkappid or call.create_ts > world.history_now():
        return None  # a call younger than the ingestion lag is not known yet
    return call


def _users_page(
    world: World,
    p: dict[str, Any],
    action: str,
    *,
    max_span_s: int,
    max_users: int,
    max_page: int,
) -> tuple[Call | None, list[Member]]:
    if p["SdkAppId"] in world.foreign_apps or not world.has_app(p["SdkAppId"]):
        raise ApiError("InvalidParameter.SdkAppId", f"SdkAppId {p['SdkAppId']} does not exist.")
    now = world.now()
    check_time_range(p["StartTime"], p["EndTime"], now=now, max_span_s=max_span_s)
    world.archive.admit(action, p["StartTime"], now)
    wanted: list[str] = p.get("UserIds") or []
    if len(wanted) > max_users:
        code = "InvalidParameter.UserIdsMorethanSix" if max_users == 6 else "InvalidParameter"
        raise ApiError(code, f"UserIds has {len(wanted)} entries; at most {max_users} allowed.")
    number, size = paging(p, default_size=6, max_size=max_page)
    call = _call(world, p["SdkAppId"], p["CommId"])
    if call is None:
        return None, []
    start, end = p["StartTime"], p["EndTime"]
    now = world.history_now()
    members = sorted(
        (m for m in call.members.values() if _stayed(m, start, min(end, now), now)),
        key=lambda m: (m.join_ts, m.user_id),
    )
    if wanted:
        members = [m for m in members if m.user_id in set(wanted)]
    return call, members[number * size : (number + 1) * size]


def describe_user_info(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    call, page = _users_page(
        world, p, "DescribeUserInfo", max_span_s=4 * 3600, max_users=100, max_page=100
    )
    now = world.history_now()
    users = [] if call is None else [_user_information(call, m, now) for m in page]
    return {"Total": len(users), "UserList": users}


def _data_types(raw: list[str] | None) -> list[str]:
    if not raw:
        return []
    for name in raw:
        if name != "all" and name not in METRICS:
            raise ApiError(
                "InvalidParameter",
                f"DataType `{name}` is not valid; use one of {', '.join(METRICS)} or all.",
            )
    return list(METRICS) if "all" in raw else list(dict.fromkeys(raw))


def describe_call_detail_info(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    metrics = _data_types(p.get("DataType"))
    limit = 6 if metrics else 100
    call, page = _users_page(
        world, p, "DescribeCallDetailInfo", max_span_s=4 * 3600, max_users=limit, max_page=limit
    )
    now = world.history_now()
    users = [] if call is None else [_user_information(call, m, now) for m in page]
    data: Encoded | None = Encoded(b"[]")
    if call is not None and metrics:
        if p["EndTime"] - p["StartTime"] > METRICS_SPAN_S:
            data = None  # mainland docs: with DataType, a range over 1 h returns null
        else:
            found = quality_series(
                call, page, metrics, p["StartTime"], p["EndTime"], now=now, seed=seed
            )
            data = Encoded(data_json(found))
    return {"Total": len(users), "UserList": users, "Data": data}


def describe_user_event(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    if p["SdkAppId"] in world.foreign_apps or not world.has_app(p["SdkAppId"]):
        raise ApiError("InvalidParameter", f"SdkAppId {p['SdkAppId']} does not exist.")
    check_user_id(p["UserId"], "InvalidParameter.UserId")
    check_string_room(p["RoomId"], "InvalidParameter")
    now = world.now()
    check_time_range(p["StartTime"], p["EndTime"], now=now, max_span_s=None)
    call = _call(world, p["SdkAppId"], p["CommId"])
    member = None if call is None or call.room_id != p["RoomId"] else call.member(p["UserId"])
    now = world.history_now()
    if call is None or member is None or member.join_ts > now:
        return {"Data": []}
    events = user_events(call, member, start=p["StartTime"], end=p["EndTime"], now=now, seed=seed)
    return {"Data": events}


def _day_start(ts: int) -> int:
    return ts - (ts + UTC8_S) % DAY_S


def describe_scale_info(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    check_app(world, p["SdkAppId"], _NO_APP, foreign_code=_NO_APP)
    now = world.now()
    start, end = p["StartTime"], p["EndTime"]
    check_time_range(start, end, now=now, max_span_s=None)
    now = world.history_now()
    calls = world.calls(p["SdkAppId"])
    days: list[dict[str, Any]] = []
    day = _day_start(start)
    while day < end and day < _day_start(now):
        alive = [c for c in calls if c.overlaps(day, day + DAY_S - 1, now)]
        stays = [
            (c.room_id, m.user_id)
            for c in alive
            for m in c.members.values()
            if m.join_ts < day + DAY_S and m.stay_end(now) >= day
        ]
        days.append(  # the documented order: Time, RoomNumbers, UserNumber, UserCount
            {
                "Time": day,
                "RoomNumbers": len(alive),
                # Distinct users ("repeat entries count once"), wherever they entered;
                # UserCount counts every entry.
                "UserNumber": len({user for _, user in stays}),
                "UserCount": len(stays),
            }
        )
        day += DAY_S
    return {"Total": len(days), "ScaleList": days}
