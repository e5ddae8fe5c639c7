"""The SQLite file deleted or made read-only under the running bot: not ready, and
Slack requests are told nothing was run (never a 500), and nothing is written to a
deleted file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.slack.listeners import CANNOT_RECORD
from tests.slack.conftest import CHANNEL, ONCALL, World, button, message


def _database(world: World) -> Path:
    database = world.store.engine.url.database
    assert database
    return Path(database)


def _deleted(path: Path) -> None:
    path.unlink()


def _read_only(path: Path) -> None:
    path.chmod(0o444)


def _written(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return info.st_size, info.st_mtime_ns


async def _ready(world: World) -> tuple[int, dict[str, object]]:
    async with world.slack.session.get(world.slack.url + "/readyz") as response:
        return response.status, await response.json()


@pytest.mark.parametrize("fault", [_deleted, _read_only], ids=["deleted", "read-only"])
async def test_a_slash_command_is_told_nothing_was_run(world: World, fault: object) -> None:
    """/readyz turns 503; the command gets an ephemeral "cannot record", TRTC sees nothing."""
    status, _ = await world.slack.slash(ONCALL, "users 1234")  # the pool holds a connection
    assert status == 200
    await world.bot.adapter.drain()
    assert await _ready(world) == (200, {"ok": True, "database": True, "slack": True})
    database = _database(world)
    files = [os.open(database, os.O_RDONLY)]  # the inode, even once deleted
    wal = database.with_name(database.name + "-wal")
    if wal.exists():
        files.append(os.open(wal, os.O_RDONLY))
    before = [_written(fd) for fd in files]
    requests_before = len(world.sim.simulator.requests)
    assert callable(fault)
    fault(database)

    status, body = await world.slack.slash(ONCALL, "kick 1234 alice")
    assert status == 200
    assert json.loads(body) == {"response_type": "ephemeral", "text": CANNOT_RECORD}
    # Slack shows a JSON answer as a message only with its content type; no retry wanted.
    assert world.slack.last_headers["Content-Type"].startswith("application/json")
    assert world.slack.last_headers["X-Slack-No-Retry"] == "1"
    await world.bot.adapter.drain()
    assert len(world.sim.simulator.requests) == requests_before
    assert [_written(fd) for fd in files] == before  # not a byte written anywhere
    for fd in files:
        os.close(fd)
    status, checks = await _ready(world)
    assert status == 503
    assert checks["database"] is False


async def test_a_click_on_a_deleted_database_is_answered_privately(world: World) -> None:
    """A Confirm pressed after the file is gone runs nothing; the presser is told why."""
    await world.slack.slash(ONCALL, "kick 1234 alice")
    fake = world.fake
    [reply] = await fake.wait_for(
        lambda: [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")], what="thread reply"
    )
    await world.bot.adapter.drain()
    shown = message(fake, CHANNEL, fake.messages_ts(reply))
    os.unlink(_database(world))
    status, _ = await world.slack.press(
        world.slack.press_body(ONCALL, shown, button(reply.blocks, "Confirm"))
    )
    assert status == 200
    [told] = await fake.wait_for(lambda: fake.of("chat.postEphemeral"), what="ephemeral")
    assert (told.args["user"], told.args["text"]) == (ONCALL, CANNOT_RECORD)
    await world.bot.adapter.drain()
    assert world.mutations() == []


async def test_a_mention_on_a_read_only_database_is_answered_privately(world: World) -> None:
    _read_only(_database(world))
    event = world.slack.mention_event(ONCALL, "users 1234")
    status, _ = await world.slack.event(world.slack.event_body(event))
    assert status == 200
    fake = world.fake
    [told] = await fake.wait_for(lambda: fake.of("chat.postEphemeral"), what="ephemeral")
    assert (told.args["user"], told.args["text"]) == (ONCALL, CANNOT_RECORD)
    assert told.args["thread_ts"] == event["ts"]
    await world.bot.adapter.drain()
    assert world.sim.simulator.requests == []
