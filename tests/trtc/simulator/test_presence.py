"""Joins and leaves on demand (`sim join`/`sim leave`, ``Simulator.join``/``leave``) and a
scenario's comebacks: applied to the world at once and told by signed 103/104 callbacks."""

from __future__ import annotations

import asyncio

from bot.trtc.simulator import parse_scenario
from bot.trtc.simulator.callbacks import signature
from tests.trtc.simulator.test_callbacks import APP, KEY, receiving, settled, simulating


async def test_a_kicked_user_rejoins_with_a_signed_103_then_leaves_with_104() -> None:
    async with receiving() as receiver, simulating(receiver) as (sim, client):
        await client.remove_users(APP, 1234, ["alice"])
        simulator = sim.simulator
        assert simulator.join(APP, 1234, "alice")
        assert not simulator.join(APP, 1234, "alice")  # already there
        world = simulator.world.room(APP, 1234)
        assert world is not None and "alice" in world.present_user_ids()
        assert simulator.leave(APP, 1234, "alice")
        assert not simulator.leave(APP, 1234, "alice")
        await settled(sim)
    events = receiver.events()
    assert [(e["EventType"], e["EventInfo"].get("Reason")) for e in events] == [
        (104, 3),
        (103, 1),
        (104, 1),
    ]
    enter = receiver.arrivals[1]
    assert enter.headers["Sign"] == signature(enter.body, KEY)
    info = events[1]["EventInfo"]
    assert (info["RoomId"], info["UserId"], info["Role"]) == (1234, "alice", 20)
    assert info["EventMsTs"] // 1000 == info["EventTs"]


async def test_joining_a_room_that_is_not_live_starts_it() -> None:
    async with receiving() as receiver, simulating(receiver) as (sim, _client):
        assert sim.simulator.join(APP, "brand-new", "zoe")
        await settled(sim)
    assert [e["EventType"] for e in receiver.events()] == [101, 103]
    assert receiver.events()[1]["EventInfo"]["RoomId"] == "brand-new"


async def test_two_joins_in_one_second_are_two_events() -> None:
    """EventMsTs has the millisecond: the receiver does not take the second for a retry."""
    async with receiving() as receiver, simulating(receiver) as (sim, client):
        for _ in range(2):
            await client.remove_users(APP, 1234, ["bob"])
            assert sim.simulator.join(APP, 1234, "bob")
            await asyncio.sleep(0.002)
        await settled(sim)
    enters = [e["EventInfo"]["EventMsTs"] for e in receiver.events() if e["EventType"] == 103]
    assert len(enters) == 2 and enters[0] != enters[1]


async def test_a_scenario_comeback_returns_after_each_removal_up_to_its_times() -> None:
    scenario = parse_scenario(
        {
            "include_defaults": False,
            "rooms": [
                {
                    "room": 4321,
                    "started_minutes_ago": 5,
                    "users": ["host", "troll"],
                    "comebacks": [{"user": "troll", "after_s": 0, "times": 2}],
                }
            ],
        }
    )
    async with receiving() as receiver, simulating(receiver, scenario=scenario) as (sim, client):
        for _ in range(3):
            await client.remove_users(APP, 4321, ["troll"])
            sim.simulator.presence.tick()
        room = sim.simulator.world.room(APP, 4321)
        assert room is not None and "troll" not in room.present_user_ids()  # twice only
        await settled(sim)
    kinds = [e["EventType"] for e in receiver.events() if e["EventInfo"].get("UserId") == "troll"]
    assert kinds == [104, 103, 104, 103, 104]
