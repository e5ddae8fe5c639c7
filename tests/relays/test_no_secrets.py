"""No stream key or URL token ever reaches a reply, a notice, a log line, the audit, the
stored callbacks or the relays table — whatever was typed or called back."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from bot.core.reply import ActionKind, Reply
from tests.relays.conftest import SECRETS, OnAir

TYPED = ("NEWSECRETKEY", "NEWTOKEN", "INGESTTOKEN", "USERPASSWORD")
TABLES = ("audit", "trtc_callbacks", "trtc_relays", "slack_messages")


async def test_no_secret_anywhere(onair: OnAir, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # what the bot runs at (bot/logs.py)
    caplog.set_level(logging.DEBUG, logger="bot")  # and everything our own code says
    h = onair.harness
    replies: list[Reply] = []

    async def say(persona: str, line: str) -> Reply:
        reply = await h.say(persona, line)
        replies.append(reply)
        return reply

    async def press(persona: str, reply: Reply, kind: ActionKind) -> None:
        replies.append(await h.press(persona, reply, kind))

    push = "rtmp://u:USERPASSWORD@push.example.net/live/NEWSECRETKEY?txSecret=NEWTOKEN"
    await say("oncall", "watch 1234")
    await say("oncall", "watch standup")
    await say("oncall", "relays 1234")
    await press("oncall", await say("oncall", "offair standup"), ActionKind.CONFIRM)
    await press("lead", await say("oncall", f"relay start 1234 --url {push}"), ActionKind.APPROVE)
    await say("oncall", f'relay start 1234 --url "{push}" --bogus 1')  # bad input quotes it
    await say("oncall", f"relay start 1234 --url https://x.example.com/{push}")  # not RTMP
    await say("viewer", f"relay start 1234 --url {push}")  # denied
    ingest = "https://media.example.com/clip.mp4?token=INGESTTOKEN"
    await press(
        "lead", await say("oncall", f"ingest start 1234 --url {ingest}"), ActionKind.APPROVE
    )
    await say("oncall", "ingest 1234")
    await press("oncall", await say("oncall", "offair 1234"), ActionKind.CONFIRM)
    await say("lead", "audit 50")
    await onair.settle()

    shown = [repr(r) for r in replies] + [repr(n.reply) for n in h.notices]
    async with h.store.engine.connect() as conn:
        stored = [
            repr(row)
            for table in TABLES
            for row in (await conn.execute(text(f"SELECT * FROM {table}"))).all()  # noqa: S608
        ]
        operations = (
            # Every operation here is final, so its arguments hold the masked URL only.
            await conn.execute(text("SELECT text, summary, outcome, args FROM operations"))
        ).all()
    stored += [repr(row) for row in operations]
    assert len(stored) > 20 and any("push.example.net" in s for s in shown)
    for secret in (*SECRETS, *TYPED):
        for where, found in (("reply", shown), ("stored", stored), ("log", [caplog.text])):
            leaks = [item for item in found if secret in item]
            assert not leaks, f"{secret} in a {where}: {leaks[0][:300]}"
