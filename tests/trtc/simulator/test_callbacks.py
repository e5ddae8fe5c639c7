"""The simulator's event callbacks: signed like TRTC's, retried like TRTC's, never in the way."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.cli import main
from bot.trtc.client import TrtcClient
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, parse_scenario, serve_simulator
from bot.trtc.simulator.callbacks import Announcer, CallbackSender, encode, signature
from tests.support.credentials import SECRET_ID, SECRET_KEY

KEY = "simCallbackKey42"
APP = 1400000001


@dataclass
class Arrival:
    body: bytes
    headers: dict[str, str]
    at: float


@dataclass
class Receiver:
    """A callback URL on 127.0.0.1 that records what arrives; scripted answers and delays."""

    url: str = ""
    arrivals: list[Arrival] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to use first, in order
    delay_s: float = 0.0
    # While set and not open, every delivery waits here (a receiver that hangs).
    gate: asyncio.Event | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.arrivals.append(Arrival(await request.read(), dict(request.headers), time.monotonic()))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.gate is not None:
            await self.gate.wait()
        status = self.statuses.pop(0) if self.statuses else 200
        return web.json_response({"code": 0}, status=status)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(a.body) for a in self.arrivals]


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/trtc/callback", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/trtc/callback"
    try:
        yield receiver
    finally:
        await runner.cleanup()


@asynccontextmanager
async def simulating(
    receiver: Receiver, *, key: str | None = KEY, **config: object
) -> AsyncIterator[tuple[RunningSimulator, TrtcClient]]:
    options: dict[str, object] = {
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "rate_limit": None,
        "callback_url": receiver.url,
        "callback_key": key,
    }
    options.update(config)
    async with serve_simulator(SimulatorConfig(**options)) as sim:  # type: ignore[arg-type]
        client = TrtcClient.create(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=None
        )
        async with client:
            yield sim, client


async def settled(sim: RunningSimulator) -> None:
    assert sim.simulator.announcer is not None
    await asyncio.wait_for(sim.simulator.announcer.sender.drain(), 5)


def test_layout_reproduces_the_reference_vector() -> None:
    """The sender lays bodies out as TRTC does: the reference's body, byte for byte, and Sign."""
    info = {
        "RoomId": 8489,
        "EventTs": 1664209748,
        "EventMsTs": 1664209748180,
        "UserId": "user_85034614",
        "Reason": 0,
    }
    data = {"EventGroupId": 2, "EventType": 204, "CallbackTs": 1664209748188, "EventInfo": info}
    body = encode(data)
    assert body.startswith(b'{\n\t"EventGroupId":\t2,\n\t"EventType":\t204,')
    assert len(body) == 207
    assert signature(body, "123654") == "kkoFeO3Oh2ZHnjtg8tEAQhtXK16/KI05W3BQff8IvGA="


async def test_kick_sends_a_signed_104_with_reason_removed() -> None:
    """RemoveUser → one POST: JSON, Sign over the exact bytes, SdkAppId; 104 Reason 3."""
    async with receiving() as receiver, simulating(receiver) as (sim, client):
        await client.remove_users(APP, 1234, ["alice"])
        await settled(sim)
    [arrival] = receiver.arrivals
    assert arrival.headers["Content-Type"] == "application/json"
    assert arrival.headers["SdkAppId"] == str(APP)
    expected = base64.b64encode(hmac.new(KEY.encode(), arrival.body, hashlib.sha256).digest())
    assert arrival.headers["Sign"] == expected.decode()
    [event] = receiver.events()
    assert event["EventGroupId"] == 1
    assert event["EventType"] == 104
    info = event["EventInfo"]
    assert (info["RoomId"], info["UserId"], info["Reason"], info["Role"]) == (1234, "alice", 3, 20)
    assert abs(event["CallbackTs"] - time.time() * 1000) < 5000


async def test_dismiss_sends_104_for_everyone_then_102() -> None:
    """DismissRoomByStrRoomId → 104 (Reason 3) per user present, then 102, string RoomId."""
    async with receiving() as receiver, simulating(receiver) as (sim, client):
        standup = sim.simulator.world.room(APP, "standup")
        assert standup is not None
        present = set(standup.present_user_ids())
        await client.dismiss_room(APP, "standup")
        await settled(sim)
    events = receiver.events()
    assert [e["EventType"] for e in events] == [104] * len(present) + [102]
    assert {e["EventInfo"]["UserId"] for e in events[:-1]} == present
    assert all(e["EventInfo"]["RoomId"] == "standup" for e in events)


async def test_no_callback_for_a_refused_call_or_an_absent_user() -> None:
    """A failed API call, or kicking someone not there, changes nothing and sends nothing."""
    async with receiving() as receiver, simulating(receiver) as (sim, client):
        await client.remove_users(APP, 1234, ["nobody_here"])
        with pytest.raises(Exception, match="RoomNotExist"):
            await client.remove_users(APP, 999_999, ["alice"])
        await settled(sim)
    assert receiver.arrivals == []


async def test_without_a_key_no_sign_is_sent() -> None:
    """No callback key: the callback is sent without a Sign header."""
    async with receiving() as receiver, simulating(receiver, key=None) as (sim, client):
        await client.remove_users(APP, 1234, ["bob"])
        await settled(sim)
    assert "Sign" not in receiver.arrivals[0].headers


async def test_failures_are_retried_at_once_then_every_interval() -> None:
    """Non-200 answers: an immediate retry, then one per interval, until one succeeds; the
    body (and Sign) are the same every time."""
    async with receiving() as receiver:
        receiver.statuses = [500, 503, 500]
        sender = CallbackSender(receiver.url, KEY, retry_every_s=0.2, give_up_after_s=5)
        await sender.start()
        try:
            delivery = sender.emit(APP, 103, {"RoomId": 1, "UserId": "u"})
            for _ in range(100):
                if delivery.delivered:
                    break
                await asyncio.sleep(0.02)
        finally:
            await sender.close()
    assert delivery.statuses == [500, 503, 500, 200]
    times = [a.at for a in receiver.arrivals]
    assert times[1] - times[0] < 0.15  # the immediate retry
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(times[1:]))
    assert len({a.body for a in receiver.arrivals}) == 1
    assert len({a.headers["Sign"] for a in receiver.arrivals}) == 1


async def test_gives_up_after_the_horizon_and_counts_timeouts_as_failures() -> None:
    """A receiver that never answers in time is retried until the message is too old, then
    the callback is dropped."""
    async with receiving() as receiver:
        receiver.delay_s = 0.3
        sender = CallbackSender(
            receiver.url, KEY, timeout_s=0.1, retry_every_s=0.1, give_up_after_s=0.6
        )
        await sender.start()
        try:
            delivery = sender.emit(APP, 104, {"RoomId": 1, "UserId": "u", "Reason": 1})
            await asyncio.sleep(1.5)
        finally:
            await sender.close()
    assert delivery.dropped
    assert not delivery.delivered
    assert set(delivery.statuses) == {None}
    assert 3 <= len(delivery.statuses) <= 7


async def test_a_slow_receiver_never_delays_api_answers() -> None:
    """RemoveUser answers while the callback receiver is still holding the first callback."""
    async with receiving() as receiver, simulating(receiver) as (_sim, client):
        receiver.gate = asyncio.Event()  # the receiver hangs until the end of the test
        async with asyncio.timeout(10):  # were answers tied to delivery: for ever
            await client.remove_users(APP, 1234, ["alice"])
            await client.remove_users(APP, 1234, ["bob"])
        receiver.gate.set()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_scenario_timing_sends_joins_leaves_and_the_room_end() -> None:
    """Joins and leaves the scenario schedules are reported when their time comes: 103 on
    arrival, 104 with Reason 1 (normal) or 2 (timeout), and 102 when the last user leaves."""
    scenario = parse_scenario(
        {
            "include_defaults": False,
            "rooms": [
                {
                    "sdkappid": APP,
                    "room": 555,
                    "started_minutes_ago": 0,
                    "users": [
                        {"id": "amy", "device": "android", "leave_minute": 3},
                        {"id": "ben", "device": "web", "join_minute": 1, "publishes": False},
                    ],
                    "script": [{"kind": "exit", "user": "ben", "at_minute": 2}],
                }
            ],
        }
    )
    clock = Clock(1_760_000_000.0)
    per_minute: list[list[tuple[object, ...]]] = []
    async with (
        receiving() as receiver,
        simulating(receiver, scenario=scenario, clock=clock) as (
            sim,
            _client,
        ),
    ):
        announcer = sim.simulator.announcer
        assert isinstance(announcer, Announcer)
        for _minute in (1, 2, 3):
            before = len(receiver.arrivals)
            clock.now += 60
            announcer.scan()
            await settled(sim)
            per_minute.append([_brief(e) for e in receiver.events()[before:]])
    assert per_minute == [
        [(103, "ben", 1, 21, 100, 1)],
        [(104, "ben", 2, 21, None, None)],
        [(104, "amy", 1, 20, None, None), (102, None, None, None, None, None)],
    ]


def _brief(event: dict[str, Any]) -> tuple[object, ...]:
    info = event["EventInfo"]
    fields = ("UserId", "Reason", "Role", "TerminalType", "UserType")
    return (event["EventType"], *(info.get(name) for name in fields))


def test_cli_refuses_a_callback_url_that_is_not_http(capsys: pytest.CaptureFixture[str]) -> None:
    """--callback-url must be http(s); --callback-key alone is a usage error."""
    creds = ["--secret-id", "a", "--secret-key", "b"]
    assert main(["simulator", "--callback-url", "ftp://x", *creds]) == 2
    assert "http://" in capsys.readouterr().err
    assert main(["simulator", "--callback-key", "k", *creds]) == 2
    assert "needs --callback-url" in capsys.readouterr().err
