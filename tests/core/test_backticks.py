"""No literal backtick in what the core says: code is a ``code()`` token.

Slack draws a token as code in mrkdwn; a backtick typed into core text would show
literally wherever the text falls back to ``plain_text``. Every text of every reply
and notice from a broad set of bad inputs and flows is scanned here, outside tokens.
"""

from __future__ import annotations

from bot.core.markup import Token, parse
from bot.core.notice import Notice
from bot.core.reply import ActionKind, Reply, Severity
from tests.core.test_bad_input import CASES
from tests.support.harness import Harness

BAD = [line for line, _ in CASES] + [
    "frobnicate",
    "kik 1234 alice",
    "help frobnicate",
    "can <@U0LEAD> fly 1234",
    "users café",
    "mute 1234",
    "unmute 1234 nobody",
    "watch",
    "quality 1234 --since 40d",
    "events 1234 --since 99d",
]

FLOWS = [
    "help",
    "help kick",
    "whoami",
    "rooms",
    "users 1234",
    "events 1234",
    "can <@U0VIEWER> kick 1234",
    "approvals",
    "audit",
]


def _texts(reply: Reply | Notice) -> list[str]:
    if isinstance(reply, Notice):
        return _texts(reply.reply)
    texts = [reply.headline, *reply.lines, *(v for f in reply.fields for v in f)]
    texts += [c for t in reply.tables for row in (t.columns, *t.rows) for c in row]
    return texts + [a.label for a in reply.actions]


def _literal_backticks(reply: Reply | Notice) -> list[str]:
    found = []
    for text in _texts(reply):
        plain = "".join(p for p in parse(text) if not isinstance(p, Token))
        if "`" in plain:
            found.append(text)
    return found


async def test_bad_inputs_say_code_as_code(harness: Harness) -> None:
    for line in BAD:
        for persona in ("oncall", "viewer"):
            reply = await harness.say(persona, line)
            assert not _literal_backticks(reply), (line, reply)


async def test_flows_say_code_as_code(harness: Harness) -> None:
    replies = [await harness.say("lead", line) for line in FLOWS]
    kick = await harness.say("oncall", "kick 1234 alice")
    replies += [kick, await harness.press("oncall", kick, ActionKind.CONFIRM)]
    mute = await harness.say("oncall", "mute 1234 bob --for 10m")
    done = await harness.press("oncall", mute, ActionKind.CONFIRM)
    replies += [mute, done, await harness.press("oncall", done, ActionKind.UNDO)]
    dismiss = await harness.say("oncall", 'dismiss 1234 --reason "stuck"')
    replies += [dismiss, await harness.press("oncall", dismiss, ActionKind.CANCEL)]
    replies += [await harness.say("lead", line) for line in ("audit", "approvals", "whoami")]
    replies += [await harness.say("viewer", "kick 1234 carol")]
    assert any(r.severity is Severity.ERROR for r in replies)
    for reply in [*replies, *harness.notices]:
        assert not _literal_backticks(reply), reply
