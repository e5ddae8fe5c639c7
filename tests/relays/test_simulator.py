"""The simulator's relay tasks over time, and their signed Relay-to-CDN callbacks."""

from __future__ import annotations

import json
from typing import Any

from bot.callbacks import parse_event, verify
from bot.callbacks.digest import ChangeKind, describe
from bot.trtc.simulator import Simulator, SimulatorConfig, parse_scenario
from bot.trtc.simulator.relay import (
    CONNECTING,
    DISCONNECTING,
    FAILURE,
    IDLE,
    RECOVERING,
    RUNNING,
    desk_of,
)
from bot.trtc.simulator.relay_actions import start_publish_cdn_stream, stop_publish_cdn_stream
from tests.support.clock import Clock
from tests.support.credentials import SECRET_ID, SECRET_KEY

APP = 1400000001
KEY = "simRelayKey"
URL = "rtmp://live.example.com/live/STREAMKEY?txSecret=TOKEN"


def _simulator(clock: Clock, **scenario: Any) -> Simulator:
    return Simulator(
        SimulatorConfig(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            clock=clock,
            callback_url="http://127.0.0.1:9/unused",
            callback_key=KEY,
            scenario=parse_scenario(scenario) if scenario else None,
        )
    )


def _statuses(sim: Simulator) -> list[int]:
    assert sim.announcer is not None
    return [
        d.event["EventInfo"]["Payload"]["Status"]
        for d in sim.announcer.sender.deliveries
        if d.event["EventGroupId"] == 4
    ]


def test_a_started_relay_connects_then_pushes_then_stops() -> None:
    clock = Clock(1_800_000_000)
    sim = _simulator(clock)
    params = {
        "SdkAppId": APP,
        "RoomId": "1234",
        "RoomIdType": 0,
        "WithTranscoding": 1,
        "AgentParams": {"UserId": "robot"},
        "AudioParams": {"AudioEncode": {"SampleRate": 48000, "Channel": 2, "BitRate": 64}},
        "PublishCdnParams": [{"PublishCdnUrl": URL}],
    }
    task = start_publish_cdn_stream(sim.world, params, 0)["TaskId"]
    desk = desk_of(sim.world)
    desk.tick()
    assert _statuses(sim) == [CONNECTING]
    clock.advance(2)
    desk.tick()
    assert _statuses(sim) == [CONNECTING, RUNNING]
    stop_publish_cdn_stream(sim.world, {"SdkAppId": APP, "TaskId": task}, 0)
    assert _statuses(sim) == [CONNECTING, RUNNING, DISCONNECTING, IDLE]
    assert not desk.relays[task].live


def test_a_scenario_relay_is_on_air_at_start_and_fails_when_its_cdn_drops() -> None:
    clock = Clock(1_800_000_000)
    sim = _simulator(clock, relays=[{"room": 1234, "url": URL, "fails_minute": 1}])
    assert _statuses(sim) == [RUNNING]  # reported at once: the bot never saw it start
    clock.advance(60)
    desk_of(sim.world).tick()
    assert _statuses(sim) == [RUNNING, RECOVERING]
    clock.advance(60)
    desk_of(sim.world).tick()
    assert _statuses(sim) == [RUNNING, RECOVERING, FAILURE, IDLE]


def test_relay_callbacks_are_signed_masked_on_arrival_and_told_in_words() -> None:
    clock = Clock(1_800_000_000)
    sim = _simulator(clock, relays=[{"room": "standup", "url": URL, "fails_minute": 0}])
    clock.advance(61)
    desk_of(sim.world).tick()
    assert sim.announcer is not None
    sent = [d for d in sim.announcer.sender.deliveries if d.event["EventGroupId"] == 4]
    assert all(verify(d.body, d.headers["Sign"], KEY) for d in sent)
    assert sent[0].event["EventType"] == 401 and sent[0].event["EventInfo"]["RoomType"] == 1
    events = [parse_event(d.body, d.headers["SdkAppId"]) for d in sent]
    assert all(
        "STREAMKEY" not in (e.detail or "") and "TOKEN" not in (e.detail or "") for e in events
    )
    assert [describe(e)[1] for e in events] == [
        "CDN relay to live.example.com started",
        "CDN relay to live.example.com interrupted, reconnecting: CDN connection lost",
        "CDN relay to live.example.com failed: CDN unreachable",
        "CDN relay to live.example.com stopped",
    ]
    assert describe(events[2])[0] is ChangeKind.RELAY_FAILED
    assert events[0].room == "standup" and not events[0].numeric


def test_the_documented_example_spelling_is_accepted() -> None:
    """§5.6's example says EventTsMs and gives a string TaskId; the table says EventMsTs."""
    body = json.dumps(
        {
            "EventGroupId": 4,
            "EventType": 401,
            "CallbackTs": 1622186275913,
            "EventInfo": {
                "RoomId": "1234",
                "RoomType": 0,
                "EventTsMs": 1622186275900,
                "UserId": "robot",
                "TaskId": "xx",
                "Payload": {"Url": "rtmp://tencent-url/live/KEY", "Status": 2},
            },
        }
    ).encode()
    event = parse_event(body, str(APP))
    assert event.event_ms == 1622186275900 and event.numeric and event.room == "1234"
    assert describe(event)[1] == "CDN relay to tencent-url started"
