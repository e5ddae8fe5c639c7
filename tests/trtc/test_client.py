"""Our async TRTC client against the running simulator: every action, limits, retries."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import stamina
from hypothesis import given
from hypothesis import strategies as st

from bot.trtc.client import TrtcClient
from bot.trtc.errors import (
    TrtcApiError,
    TrtcLimitError,
    TrtcOutcomeUnknown,
    TrtcTransportError,
)
from bot.trtc.models import (
    CallDetail,
    EventList,
    MuteMode,
    ScaleInfo,
    UserInformation,
    _read_points,
    load_call_detail,
)
from bot.trtc.simulator import (
    RunningSimulator,
    SimulatorConfig,
    parse_scenario,
    serve_simulator,
)
from bot.trtc.simulator.quality import quality_data
from bot.trtc.transport import RATE_WINDOW_S, retry_backoff
from tests.support.credentials import SECRET_ID, SECRET_KEY

APP = 1400000001


def _actions(sim: RunningSimulator) -> list[str]:
    return [r.action for r in sim.simulator.requests]


async def _live_comm_id(client: TrtcClient, room: str) -> tuple[str, int]:
    now = int(time.time())
    rooms = [r async for r in client.rooms(APP, now - 6 * 3600, now, room_id=room)]
    live = [r for r in rooms if not r.is_finished]
    assert live, f"room {room} should be live in the simulator"
    return live[0].comm_id, live[0].create_time


async def test_remove_users_numeric_room(client: TrtcClient, sim: RunningSimulator) -> None:
    """An int room uses RemoveUser and the user leaves the room."""
    removal = await client.remove_users(APP, 1234, ["alice"])
    assert list(removal.removed) == ["alice"] and removal.complete
    assert len(removal.request_ids) == 1 and removal.request_ids[0]
    assert _actions(sim) == ["RemoveUser"]
    assert sim.simulator.requests[0].params["RoomId"] == 1234
    room = sim.simulator.world.room(APP, 1234)
    assert room is not None and "alice" not in room.present_user_ids()


async def test_remove_users_string_room(client: TrtcClient, sim: RunningSimulator) -> None:
    """A str room uses RemoveUserByStrRoomId with the string id."""
    room = sim.simulator.world.room(APP, "standup")
    assert room is not None
    victim = sorted(room.present_user_ids())[0]
    await client.remove_users(APP, "standup", [victim])
    assert _actions(sim) == ["RemoveUserByStrRoomId"]
    assert sim.simulator.requests[0].params["RoomId"] == "standup"
    assert victim not in room.present_user_ids()


async def test_remove_users_batches_by_ten(client: TrtcClient, sim: RunningSimulator) -> None:
    """23 users become three requests of at most ten, duplicates dropped."""
    users = [f"u{i:02d}" for i in range(23)]
    await client.remove_users(APP, 1234, [*users, "u00"])
    sent = [r.params["UserIds"] for r in sim.simulator.requests]
    assert sorted(len(b) for b in sent) == [3, 10, 10]
    assert sorted(u for b in sent for u in b) == users


async def test_dismiss_room_both_variants(client: TrtcClient, sim: RunningSimulator) -> None:
    """Dismissing ends the room; the string variant is used for string rooms."""
    await client.dismiss_room(APP, 1234)
    await client.dismiss_room(APP, "standup")
    assert _actions(sim) == ["DismissRoom", "DismissRoomByStrRoomId"]
    with pytest.raises(TrtcApiError) as err:
        await client.dismiss_room(APP, 1234)
    assert err.value.code == "FailedOperation.RoomNotExist"
    assert err.value.request_id


async def test_set_user_blocked_both_variants(client: TrtcClient, sim: RunningSimulator) -> None:
    """Muting uses RoomId for numeric rooms and StrRoomId for string rooms."""
    await client.set_user_blocked(APP, 1234, "bob", MuteMode.AUDIO)
    standup = sim.simulator.world.room(APP, "standup")
    assert standup is not None
    user = sorted(standup.present_user_ids())[0]
    await client.set_user_blocked(APP, "standup", user, MuteMode.AUDIO_AND_VIDEO)
    first, second = sim.simulator.requests
    assert first.action == "SetUserBlocked" and first.params["RoomId"] == 1234
    assert first.params["IsMute"] == 2
    assert second.action == "SetUserBlockedByStrRoomId" and second.params["StrRoomId"] == "standup"


async def test_rooms_pages_until_a_short_page(client: TrtcClient, sim: RunningSimulator) -> None:
    """Listing with PageSize 10 walks several pages and matches one big page."""
    now = int(time.time())
    small = [r async for r in client.rooms(APP, now - 20 * 3600, now, page_size=10)]
    pages = len(sim.simulator.requests)
    big = [r async for r in client.rooms(APP, now - 20 * 3600, now, page_size=100)]
    assert pages >= 3
    assert [r.comm_id for r in small] == [r.comm_id for r in big]
    assert len({r.comm_id for r in small}) == len(small)
    numbers = [r.params["PageNumber"] for r in sim.simulator.requests[:pages]]
    assert numbers == list(range(pages))


async def test_rooms_over_a_day_are_split_into_windows(
    client: TrtcClient, sim: RunningSimulator
) -> None:
    """A 3-day listing becomes day-sized requests, each within TRTC's 24 h limit."""
    now = int(time.time())
    rooms = [r async for r in client.rooms(APP, now - 3 * 86400, now)]
    assert rooms
    for r in sim.simulator.requests:
        assert r.params["EndTime"] - r.params["StartTime"] <= 86400
    assert len({r.comm_id for r in rooms}) == len(rooms)


async def test_users_and_events_of_a_live_call(client: TrtcClient) -> None:
    """DescribeUserInfo lists the call's users; DescribeUserEvent returns their events."""
    comm_id, created = await _live_comm_id(client, "1234")
    now = int(time.time())
    start = max(created, now - 4 * 3600 + 60)
    users = [u async for u in client.users(APP, comm_id, start, now)]
    names = {u.user_id for u in users}
    assert {"alice", "bob", "carol"} <= names
    events = await client.user_events(APP, comm_id, 1234, "alice", start, now)
    assert any(e.content for e in events)


async def test_call_details_split_by_six_users_and_hour(
    client: TrtcClient, sim: RunningSimulator
) -> None:
    """Metrics for many users over 2 h become ≤6-user, <1 h requests, merged in order."""
    comm_id, created = await _live_comm_id(client, "1234")
    now = int(time.time())
    start = max(created, now - 7200)
    users = [u.user_id async for u in client.users(APP, comm_id, max(start, now - 3600), now)]
    sim.simulator.requests.clear()
    detail = await client.call_details(
        APP, comm_id, start, now, user_ids=users, data_types=["aLoss", "rtt"]
    )
    metric_calls = [r for r in sim.simulator.requests if r.action == "DescribeCallDetailInfo"]
    windows = -(-(now - start) // 3599)
    assert len(metric_calls) == -(-len(users) // 6) * windows
    for r in metric_calls:
        assert len(r.params["UserIds"]) <= 6
        assert r.params["EndTime"] - r.params["StartTime"] < 3600
    series = [d for d in detail.data if d.user_id == users[0] and d.data_type == "aLoss"]
    assert series
    times = series[0].times.tolist()
    assert times == sorted(set(times))


# Two hours and ten minutes of a room: three sub-hour windows; eight users: two batches.
LONG_ROOM = {
    "include_defaults": False,
    "rooms": [
        {
            "room": 4242,
            "started_minutes_ago": 130,
            "users": [
                {"id": "host"},
                {"id": "guest", "network": "4g", "join_minute": 50},
                {"id": "early", "leave_minute": 70},
                *({"id": f"viewer_{n}", "publishes": False} for n in range(5)),
            ],
            "script": [
                {"kind": "loss", "user": "guest", "percent": 20, "from_minute": 55,
                 "to_minute": 65},
            ],
        }
    ],
}  # fmt: skip


async def test_merged_windows_are_the_series_of_one_query() -> None:
    """Sub-hour windows and 6-user batches merge into exactly the series the simulator
    makes for the whole range at once (edge seconds counted once)."""
    config = SimulatorConfig(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        seed=5,
        rate_limit=None,
        scenario=parse_scenario(LONG_ROOM),
    )
    async with (
        serve_simulator(config, host="127.0.0.1", port=0) as running,
        TrtcClient.create(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=running.url, rate_limit=None
        ) as client,
    ):
        call = running.simulator.world.room(APP, 4242)
        assert call is not None
        end = int(time.time())
        members = list(call.members.values())
        types = ["aLoss", "rtt", "appCpu"]
        detail = await client.call_details(
            APP,
            call.comm_id,
            call.create_ts,
            end,
            user_ids=[m.user_id for m in members],
            data_types=types,
        )
        sent = [r.params for r in running.simulator.requests]
    assert len(sent) == 2 * 3
    truth = quality_data(call, members, sorted(types), call.create_ts, end, now=end, seed=5)
    want = {
        (d["UserId"], d["PeerId"], d["DataType"]): (
            [p["Time"] for p in d["Content"]],
            [p["Value"] for p in d["Content"]],
        )
        for d in truth
    }
    got = {s.key: (s.times.tolist(), s.values.tolist()) for s in detail.data}
    assert got == want
    assert {u.user_id for u in detail.users} == {m.user_id for m in members}


def _body(series: list[dict[str, Any]], **dumps: Any) -> bytes:
    users = [{"UserId": "u1", "JoinTs": 1, "DeviceType": None}]
    answer = {"Response": {"Total": 1, "UserList": users, "Data": series, "RequestId": "r"}}
    return json.dumps(answer, **dumps).encode()


def _read(raw: bytes) -> CallDetail:
    return CallDetail.from_response(load_call_detail(raw)["Response"])


def _points(times: list[int], values: list[float]) -> list[dict[str, Any]]:
    return [{"Time": t, "Value": v} for t, v in zip(times, values, strict=True)]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["u1", "u2", 'q"uote']),
            st.sampled_from(["", "p1"]),
            st.sampled_from(["aLoss", "rtt"]),
            st.lists(
                st.tuples(
                    st.integers(1_700_000_000, 1_700_000_040),
                    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
                ),
                max_size=30,
            ),
        ),
        max_size=6,
    ),
    st.sampled_from([{}, {"separators": (",", ":")}, {"indent": 2}, {"ensure_ascii": False}]),
)
def test_reader_matches_json_loads(
    series: list[tuple[str, str, str, list[tuple[int, float]]]], style: dict[str, Any]
) -> None:
    """Whatever the spacing and values, each series comes out in time order, one sample
    per second (the last of equal times), exactly as json.loads reads the numbers."""
    items = [
        {"Content": _points(*zip(*pts, strict=True)) if pts else [], "UserId": u,
         "PeerId": p, "DataType": d}
        for u, p, d, pts in series
    ]  # fmt: skip
    detail = _read(_body(items, **style))
    assert len(detail.data) == len(items)
    for got, (user, peer, kind, pts) in zip(detail.data, series, strict=True):
        last = dict(pts)  # later samples of the same second win
        assert got.key == (user, peer, kind)
        assert got.times.tolist() == sorted(last)
        assert got.values.tolist() == [last[t] for t in sorted(last)]


def test_reader_tolerates_nulls_and_other_shapes() -> None:
    """Null or missing fields never break an answer: a point without a number is no
    sample, a null id is "", other key orders and extra keys are read as JSON."""
    items: list[dict[str, Any]] = [
        {"Content": [{"Time": 2, "Value": None}, {"Time": None, "Value": 1.0},
                     {"Value": 3.5}, {"Time": 4, "Value": 4.25}, None],
         "UserId": "u1", "PeerId": None, "DataType": "aLoss"},
        {"Content": [{"Value": 0.5, "Time": 9}, {"Time": 8, "Value": 1e-05, "X": "]"}],
         "UserId": None, "DataType": "rtt"},
        {"Content": None, "UserId": "u1", "PeerId": "p", "DataType": "aLoss"},
        {"UserId": "u1", "PeerId": "", "DataType": "sysCpu"},
    ]  # fmt: skip
    detail = _read(_body(items))
    got = [(s.key, s.times.tolist(), s.values.tolist()) for s in detail.data]
    assert got == [
        (("u1", "", "aLoss"), [4], [4.25]),
        (("", "", "rtt"), [8, 9], [1e-05, 0.5]),
        (("u1", "p", "aLoss"), [], []),
        (("u1", "", "sysCpu"), [], []),
    ]
    assert detail.users == (UserInformation(user_id="u1", join_ts=1),)
    assert _read(_body([])).data == ()
    error = b'{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"r"}}'
    assert load_call_detail(error)["Response"]["Error"]["Code"] == "InternalError"


def test_fast_and_slow_reads_agree() -> None:
    """The numpy reader (documented shape) and json.loads (one null elsewhere in the body)
    give the same arrays for the same samples."""
    points = _points(list(range(100, 200, 2)), [i * 0.37 for i in range(50)])
    fast = _read(_body([{"Content": points, "UserId": "u1", "PeerId": "", "DataType": "rtt"}]))
    nulled = [*points, {"Time": 300, "Value": None}]
    slow = _read(_body([{"Content": nulled, "UserId": "u1", "PeerId": "", "DataType": "rtt"}]))
    assert fast.data[0].times.tolist() == slow.data[0].times.tolist()
    assert fast.data[0].values.tolist() == slow.data[0].values.tolist()
    assert fast.data[0].times.dtype == slow.data[0].times.dtype
    assert _read_points(b'{"Time": 1, "Value": 2.5}, {"Time":3,"Value":-4}') is not None
    assert _read_points(b'{"Time": 1, "Value": null}') is None


def test_models_take_defaults_for_null_fields() -> None:
    """A null field is read as a missing one: its default, never a validation error."""
    user = UserInformation.model_validate({"UserId": "a", "LeaveTs": None, "Finished": None})
    assert (user.user_id, user.leave_ts, user.finished, user.device_type) == ("a", 0, False, "")
    day = ScaleInfo.model_validate({"Time": 86400, "UserNumber": None, "RoomNumbers": 3})
    assert (day.user_number, day.user_count, day.room_numbers) == (None, None, 3)
    events = EventList.model_validate({"Content": None, "PeerId": None})
    assert (events.content, events.peer_id) == ([], "")


async def test_scale(client: TrtcClient) -> None:
    """DescribeScaleInfo returns daily buckets."""
    now = int(time.time())
    days = await client.scale(APP, now - 7 * 86400, now)
    assert days and all(d.time % 60 == 0 for d in days)


async def test_limits_refused_before_sending(client: TrtcClient, sim: RunningSimulator) -> None:
    """Too old, inverted or too wide ranges fail here, and nothing is sent."""
    now = int(time.time())
    with pytest.raises(TrtcLimitError, match="14 days"):
        [r async for r in client.rooms(APP, now - 15 * 86400, now - 14 * 86400 - 1)]
    with pytest.raises(TrtcLimitError, match="after the start"):
        await client.scale(APP, now, now - 10)
    with pytest.raises(TrtcLimitError, match="4 h"):
        [u async for u in client.users(APP, "x", now - 5 * 3600, now)]
    with pytest.raises(TrtcLimitError, match="DataType"):
        await client.call_details(APP, "x", now - 60, now, user_ids=["a"], data_types=["nope"])
    with pytest.raises(TrtcLimitError):
        await client.remove_users(APP, 1234, [])
    assert sim.simulator.requests == []


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "InternalError", "InternalError.DBError"])
async def test_retries_transient_api_errors(
    client: TrtcClient, sim: RunningSimulator, code: str
) -> None:
    """Rate-limit and internal errors are retried until the call succeeds."""
    sim.simulator.fail_next("DescribeScaleInfo", code, times=2)
    now = int(time.time())
    await client.scale(APP, now - 86400 * 3, now)
    assert _actions(sim) == ["DescribeScaleInfo"] * 3


def test_backoff_waits_out_a_rate_limit_window() -> None:
    """A rate limit is retried after TRTC's one-second window (jittered); other
    transient errors use the exponential schedule; final errors are not retried."""

    def api(code: str) -> TrtcApiError:
        return TrtcApiError(action="DismissRoom", code=code, message="m", request_id="r")

    waits = {retry_backoff(api("RequestLimitExceeded.UinLimitExceeded")) for _ in range(50)}
    assert all(isinstance(w, float) and 1.0 <= w <= 1.5 for w in waits) and len(waits) > 1
    assert retry_backoff(api("InternalError")) is True
    assert retry_backoff(api("InvalidParameter")) is False


async def test_rate_limited_call_is_retried_in_the_next_window(
    client: TrtcClient, sim: RunningSimulator
) -> None:
    """Without stamina's test mode: the retry after RequestLimitExceeded comes a window later."""
    sim.simulator.fail_next("DismissRoom", "RequestLimitExceeded")
    with stamina.set_testing(False):
        await client.dismiss_room(APP, 1234)
    first, second = sim.simulator.requests
    assert second.time - first.time >= RATE_WINDOW_S


async def test_retries_http_5xx(client: TrtcClient, sim: RunningSimulator) -> None:
    """A 502 on a read is a transport error and is retried; on a write it may have come
    after the change, so the write is not re-sent and its outcome is unknown."""
    sim.simulator.fail_next("DescribeScaleInfo", http_status=502, times=1)
    now = int(time.time())
    await client.scale(APP, now - 86400 * 3, now)
    assert _actions(sim) == ["DescribeScaleInfo"] * 2
    sim.simulator.fail_next("DismissRoom", http_status=502, times=1)
    with pytest.raises(TrtcOutcomeUnknown):
        await client.dismiss_room(APP, 1234)
    assert _actions(sim).count("DismissRoom") == 1


async def test_gives_up_after_max_attempts(client: TrtcClient, sim: RunningSimulator) -> None:
    """A persistent rate limit surfaces as the API error after the configured attempts."""
    sim.simulator.fail_next("DescribeScaleInfo", "RequestLimitExceeded", times=10)
    now = int(time.time())
    with pytest.raises(TrtcApiError) as err:
        await client.scale(APP, now - 86400 * 3, now)
    assert err.value.code == "RequestLimitExceeded"
    assert len(sim.simulator.requests) == 4


@pytest.mark.parametrize("code", ["InvalidParameter", "AuthFailure.UnauthorizedOperation"])
async def test_no_retry_on_final_errors(
    client: TrtcClient, sim: RunningSimulator, code: str
) -> None:
    """InvalidParameter and AuthFailure are final: one request, the error surfaces."""
    sim.simulator.fail_next("DismissRoom", code, times=1)
    with pytest.raises(TrtcApiError) as err:
        await client.dismiss_room(APP, 1234)
    assert err.value.code == code
    assert len(sim.simulator.requests) == 1


async def test_wrong_key_is_signature_failure_not_retried(sim: RunningSimulator) -> None:
    """A wrong secret key gets AuthFailure.SignatureFailure once, and the key is never shown."""
    async with TrtcClient.create(
        secret_id=SECRET_ID, secret_key="wrong-key-9f8e7d", endpoint=sim.url, rate_limit=None
    ) as bad:
        with pytest.raises(TrtcApiError) as err:
            await bad.dismiss_room(APP, 1234)
        assert err.value.code == "AuthFailure.SignatureFailure"
        assert "wrong-key-9f8e7d" not in str(err.value)
        assert "wrong-key-9f8e7d" not in repr(bad.transport)
    assert len(sim.simulator.requests) <= 1


async def test_stale_clock_is_signature_expire(sim: RunningSimulator) -> None:
    """A clock ten minutes slow gets AuthFailure.SignatureExpire."""
    async with TrtcClient.create(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        endpoint=sim.url,
        rate_limit=None,
        clock=lambda: time.time() - 600,
    ) as stale:
        with pytest.raises(TrtcApiError) as err:
            await stale.dismiss_room(APP, 1234)
    assert err.value.code == "AuthFailure.SignatureExpire"


async def test_timeout_is_a_transport_error() -> None:
    """A server slower than the timeout yields TrtcTransportError after the retries."""
    config = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, latency_ms=400, rate_limit=None
    )
    async with (
        serve_simulator(config, host="127.0.0.1", port=0) as slow,
        TrtcClient.create(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            endpoint=slow.url,
            timeout_s=0.1,
            max_attempts=2,
        ) as client,
    ):
        now = int(time.time())
        with pytest.raises(TrtcTransportError, match=r"within 0\.1 s"):
            await client.scale(APP, now - 86400 * 3, now)
        assert len(slow.simulator.requests) == 2  # a read: retried
        with pytest.raises(TrtcOutcomeUnknown, match=r"within 0\.1 s"):
            await client.dismiss_room(APP, 1234)
        assert len(slow.simulator.requests) == 3  # a write: sent once


async def test_unreachable_endpoint_is_a_transport_error() -> None:
    """Nothing listening is a transport error naming the host, not a crash."""
    async with TrtcClient.create(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        endpoint="http://127.0.0.1:9",
        max_attempts=1,
    ) as client:
        with pytest.raises(TrtcTransportError, match=r"127\.0\.0\.1:9"):
            await client.dismiss_room(APP, 1234)


async def test_limiter_keeps_a_burst_under_the_server_limit() -> None:
    """100 concurrent calls against a simulator enforcing 20/s all succeed with no retry."""
    config = SimulatorConfig(secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=20)
    async with (
        serve_simulator(config, host="127.0.0.1", port=0) as strict,
        TrtcClient.create(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            endpoint=strict.url,
            rate_limit=20,
            max_attempts=1,  # a single RequestLimitExceeded would fail the test
        ) as client,
    ):
        now = int(time.time())
        start = time.monotonic()
        results = await asyncio.gather(
            *(client.scale(APP, now - 3 * 86400, now) for _ in range(100))
        )
        elapsed = time.monotonic() - start
    assert len(results) == 100
    assert len(strict.simulator.requests) == 100
    assert elapsed >= 4.5  # 100 calls at 20/s cannot finish much sooner


async def test_secret_never_in_repr(client: TrtcClient) -> None:
    """The transport's repr shows the secret id but never the key."""
    text = repr(client.transport) + repr(client.transport.credentials)
    assert SECRET_KEY not in text
    assert SECRET_ID in text
