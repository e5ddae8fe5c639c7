"""Autocorrected lines (“quotes”, —for) run exactly as their ASCII spelling."""

from __future__ import annotations

from bot.core.reply import ActionKind, Reply, Severity
from tests.support.harness import Harness


def _shown(reply: Reply) -> tuple[object, ...]:
    return (reply.severity, reply.headline, reply.fields, reply.lines, reply.tables)


async def test_smart_quotes_keep_the_reason_whole(harness: Harness) -> None:
    """`--reason “two words”` is one reason, not a reason and a second user `words”`."""
    ascii_reply = await harness.say("oncall", 'kick 1234 bob --reason "two words"')
    await harness.press("oncall", ascii_reply, ActionKind.CANCEL)
    reply = await harness.say("oncall", "kick 1234 bob --reason “two words”")
    assert _shown(reply) == _shown(ascii_reply)
    assert "remove bob from room" in reply.headline and "words" not in reply.headline
    done = await harness.press("oncall", reply, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS
    assert harness.mutations() == ["RemoveUser"] and "bob" not in harness.present(1234)


async def test_em_dash_option_is_an_option(harness: Harness) -> None:
    """`mute 1234 bob —for 10m` mutes for ten minutes, as `--for 10m` does."""
    reply = await harness.say("oncall", "mute 1234 bob —for 10m")
    assert reply.severity is Severity.WARNING, reply.headline
    assert "10m" in reply.headline or any("10m" in v for _, v in reply.fields), reply
    done = await harness.press("oncall", reply, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, done.headline
    harness.clock.advance(10 * 60 + 1)
    await harness.core.tick()
    assert harness.mutations().count("SetUserBlocked") == 2  # muted, then lifted
