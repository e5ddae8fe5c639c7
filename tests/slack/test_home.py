"""App Home: permissions, approvals waiting for you (with buttons), your recent actions."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.store import OperationState
from bot.trtc.rooms import RoomRef
from tests.slack.conftest import CHANNEL, LEAD, ONCALL, VIEWER, World, button
from tests.support.fake_slack import Call, buttons, text_objects


def _homes(world: World, user: str) -> list[Call]:
    return [c for c in world.fake.of("views.publish") if c.args["user_id"] == user]


def _view(call: Call) -> dict[str, Any]:
    view = call.args["view"]
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    return view


async def _open_home(world: World, user: str) -> dict[str, Any]:
    before = len(_homes(world, user))
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
    await world.slack.event(world.slack.event_body(event))
    await world.fake.wait_for(lambda: len(_homes(world, user)) > before, what="views.publish")
    return _view(_homes(world, user)[-1])


async def test_home_shows_permissions_and_recent_actions(world: World) -> None:
    """Opening Home publishes what you may run (and where) and what you did lately."""
    await world.slack.slash(ONCALL, "users 1234")
    await world.fake.wait_for(lambda: world.fake.of("chat.update"), what="the command")
    view = await _open_home(world, ONCALL)
    texts = [t for _, t in text_objects(view["blocks"])]
    assert "*SIMULATOR*" in texts
    assert "What you may run" in texts
    assert "*in other channels*" in texts
    permissions = texts[texts.index("*in other channels*") + 1]
    assert permissions.startswith("```")
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in permissions.splitlines()}
    assert rows["kick"].startswith("yes ")
    assert rows["dismiss"].startswith("with approval ")
    assert rows["approvals"].startswith("yes ")  # chatops:ListApprovals
    for channel in world.bot.adapter.home.attachments().channels:  # each named channel too
        assert f"*in <#{channel}>*" in texts
    recent = next(t for t in texts if t.startswith("```") and "Outcome" in t)
    assert "users 1234" in recent
    assert "Nothing is waiting for you." in texts


async def test_viewer_sees_read_only_permissions(world: World) -> None:
    """The read-only viewer's Home says kick is not allowed."""
    view = await _open_home(world, VIEWER)
    table = next(t for _, t in text_objects(view["blocks"]) if t.startswith("```") and "kick" in t)
    kick = next(line for line in table.splitlines() if line.startswith("kick"))
    assert "no" in kick.split()


async def test_new_approval_refreshes_approvers_home_and_can_be_approved_there(
    world: World,
) -> None:
    """A request needing approval republishes the lead's Home with Approve/Reject; approving
    there runs it once and updates the thread message."""
    await _open_home(world, LEAD)
    published = len(_homes(world, LEAD))
    await world.slack.slash(ONCALL, "dismiss 1234")
    fake = world.fake
    await fake.wait_for(lambda: len(_homes(world, LEAD)) > published, what="home refresh")
    await world.bot.adapter.drain()
    view = _view(_homes(world, LEAD)[-1])
    approve = button(view["blocks"], "Approve")
    assert [b["text"]["text"] for b in buttons(view["blocks"])] == ["Approve", "Reject"]
    block_id = next(
        b["block_id"] for b in view["blocks"] if b["type"] == "actions" and approve in b["elements"]
    )
    # The requester's own Home does not offer it.
    requester_home = await _open_home(world, ONCALL)
    assert buttons(requester_home["blocks"]) == []
    await world.slack.press(world.slack.home_press_body(LEAD, block_id, approve))
    await world.bot.adapter.drain()
    assert world.mutations() == ["DismissRoom"]
    thread_reply = next(p for p in fake.posts(CHANNEL) if p.args.get("thread_ts"))
    now = fake.messages[(CHANNEL, fake.messages_ts(thread_reply))]
    assert any("approved by Lee Lead" in t for _, t in text_objects(now["blocks"]))
    assert buttons(now["blocks"]) == []
    after = _view(_homes(world, LEAD)[-1])
    assert buttons(after["blocks"]) == []
    assert any("approved by Lee Lead" in t for _, t in text_objects(after["blocks"]))


async def test_home_shows_a_break_glass_elevation(world: World) -> None:
    """Home says when its owner is elevated, until when and why."""
    await world.slack.slash(ONCALL, 'elevate --for 30m --reason "lead asleep"')
    await world.fake.wait_for(lambda: world.fake.of("chat.update"), what="the command")
    view = await _open_home(world, ONCALL)
    texts = [t for _, t in text_objects(view["blocks"])]
    assert any(
        t.startswith("🚨 Break-glass elevation #1 until") and "lead asleep" in t for t in texts
    )
    lead = [t for _, t in text_objects((await _open_home(world, LEAD))["blocks"])]
    assert not any("Break-glass" in t for t in lead)


async def test_home_counts_what_is_in_force_now(world: World) -> None:
    """A relay on air and a ban in force show on Home, each with the command that lists
    them; with nothing in force there is no such line."""
    quiet = [t for _, t in text_objects((await _open_home(world, ONCALL))["blocks"])]
    assert not any("In force now" in t for t in quiet)
    now = world.clock()
    await world.store.bans.add(
        now=now, sdkappid=1400000001, room="1234", numeric=True, user_id="troll",
        until=None, created_by="U0LEAD", channel=CHANNEL,
    )  # fmt: skip
    await world.store.relays.started(
        kind="relay", room=RoomRef(1400000001, "1234", True), task_id="task-1",
        url="rtmp://cdn.example.com/live/***", robot=None, by="U0LEAD", state="on air", now=now,
    )  # fmt: skip
    texts = [t for _, t in text_objects((await _open_home(world, VIEWER))["blocks"])]
    assert "🔴 In force now: 1 CDN relay (`relays &lt;room&gt;`), 1 ban (`bans`)" in texts


async def test_home_is_republished_only_where_the_view_changed(world: World) -> None:
    """An approval appearing republishes the approver's Home once, nobody else's; the same
    refresh again publishes nothing (nothing changed), and rounds that overlap coalesce."""
    people = (LEAD, ONCALL, VIEWER)
    for user in people:
        await _open_home(world, user)
    before = {user: len(_homes(world, user)) for user in people}
    await world.slack.slash(ONCALL, "dismiss 1234")
    await world.fake.wait_for(lambda: len(_homes(world, LEAD)) > before[LEAD], what="refresh")
    await world.bot.adapter.drain()
    assert {u: len(_homes(world, u)) - before[u] for u in people} == {
        LEAD: 1,
        ONCALL: 0,
        VIEWER: 0,
    }
    home = world.bot.adapter.home
    (op,) = await home.core.services.store.operations.in_state(OperationState.PENDING_APPROVAL)
    assert await home.refresh_approvers(op.id) == 0
    rounds = await asyncio.gather(*(home.refresh_approvers(op.id) for _ in range(5)))
    assert sum(rounds) == 0
    assert len(_homes(world, LEAD)) - before[LEAD] == 1
