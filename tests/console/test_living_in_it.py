"""The console as a tool people live in (issue 19, items 16, 17 and 20), in process:
what Tab offers, what `quit` warns about, `help kick`, `/trtc …`, persona typos, the
chart folder's sweep and one start-up line about the database."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot import logs
from bot.console.files import sweep
from bot.console.leaving import still_open
from bot.console.repl import Console
from bot.console.words import Vocabulary
from bot.core.grammar import Grammar
from bot.core.reply import Reply, Table
from bot.store import migrate
from commands import REGISTRY

GRAMMAR = Grammar(REGISTRY, apps={"staging": 1400000002}, default_app=1400000001)


def test_tab_offers_commands_personas_rooms_and_users() -> None:
    words = Vocabulary(GRAMMAR)
    words.learn_line("kick 1234 alice bob")
    words.learn_line("users staging/777")
    words.learn_line("not a command at all")  # teaches nothing
    words.learn_reply(Reply("rooms", tables=(Table(("Room", "State"), (("standup", "live"),)),)))
    assert {"quality", "kick", "help", "as", "quit", "record"} <= set(words.candidates([]))
    assert list(words.candidates(["as"])) == ["oncall", "lead", "viewer"]
    assert set(words.candidates(["users"])) == {"1234", "staging/777", "standup"}
    assert set(words.candidates(["/trtc", "users"])) == {"1234", "staging/777", "standup"}
    assert set(words.candidates(["kick", "1234"])) == {"alice", "bob"}
    assert set(words.candidates(["kick", "1234", "alice"])) == {"alice", "bob"}  # variadic
    assert {"stop", "extend", "1234"} <= set(words.candidates(["record"]))
    assert "quality" in words.candidates(["help"])
    assert set(words.candidates(["can", "lead", "kick"])) >= {"1234"}
    assert list(words.candidates(["whoami"])) == []


async def test_quit_names_what_stops_with_the_console(console: tuple[Console, list[str]]) -> None:
    shell, _ = console
    assert await still_open(shell.core) == []
    await shell.line("mute 1234 bob --for 10m")
    await shell.line("confirm")
    await shell.line("dismiss 1234")  # on-call needs approval: a request waits
    await shell.line("watch 1234")
    assert await still_open(shell.core) == [
        "1 request (left unanswered)",
        "1 timed mute (not lifted when due)",
        "1 watch (callbacks no longer shown)",
    ]


async def test_help_for_one_command(console: tuple[Console, list[str]]) -> None:
    shell, lines = console
    await shell.line("help kick")
    shown = "\n".join(lines)
    assert "`kick`: Remove users from a room" in shown
    assert 'Usage: `kick <room> <users>… [--reason "…"]`' in shown
    assert 'Example: `kick 1234 alice --reason "spamming the call"`' in shown
    lines.clear()
    await shell.line("help kik")
    assert "unknown command `kik`. Did you mean `help kick`?" in lines[0]
    lines.clear()
    await shell.line("help relay")  # two-word commands, both
    assert "`relay start`" in "\n".join(lines) and "`relay stop`" in "\n".join(lines)


async def test_the_slash_command_works_in_the_console(console: tuple[Console, list[str]]) -> None:
    shell, lines = console
    await shell.line("/trtc users 1234")
    assert "in room 1400000001/1234" in lines[0] and "alice" in "\n".join(lines)
    lines.clear()
    await shell.line("/TRTC as lead")
    assert lines == ["· you are now U0LEAD (S0LEADS)"]


async def test_a_persona_typo_is_refused(console: tuple[Console, list[str]]) -> None:
    shell, lines = console
    await shell.line("as laed")
    assert lines == [
        "✖ no persona laed: did you mean lead? personas are oncall, lead, viewer; "
        "or a Slack user id (U123 S0GROUP)"
    ]
    assert shell.identity.user_id == "U0ONCALL"
    await shell.line("as U0SOMEONE S0LEADS")  # someone who is not a persona: still fine
    assert shell.identity.user_id == "U0SOMEONE"


def test_charts_older_than_a_day_are_swept(tmp_path: Path) -> None:
    folder = tmp_path / "charts"
    folder.mkdir(mode=0o700)
    old, fresh, kept_dir = folder / "old.png", folder / "fresh.png", folder / "sub"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    kept_dir.mkdir()
    day_and_more = time.time() - 86400 - 60
    os.utime(old, (day_and_more, day_and_more))
    os.utime(kept_dir, (day_and_more, day_and_more))
    assert sweep(folder) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["fresh.png", "sub"]
    assert sweep(tmp_path / "missing") == 0


async def test_migrations_say_one_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A normal start logs one INFO line about the database, none of Alembic's steps."""
    root = logging.getLogger()
    logs.configure(logging.INFO)
    root.addHandler(caplog.handler)  # configure replaced the handlers
    try:
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
        await migrate.upgrade(engine)
        await migrate.upgrade(engine)
        await engine.dispose()
        said = [(r.name, r.getMessage()) for r in caplog.records if r.levelno >= logging.INFO]
        assert said == [
            ("bot.store.migrate", f"database migrated to {migrate.head()} from empty"),
            ("bot.store.migrate", f"database up to date at {migrate.head()}"),
        ]
        logs.configure(logging.DEBUG)  # debugging: Alembic's own lines come back
        assert logging.getLogger("alembic").getEffectiveLevel() == logging.DEBUG
    finally:
        logging.getLogger("alembic").setLevel(logging.NOTSET)
        root.handlers[:] = []
        root.setLevel(logging.WARNING)
