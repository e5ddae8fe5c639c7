"""The users: each flow is what one person does in Slack, and what they saw."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import aiohttp

from bot.callbacks.event import parse_event
from bot.slack.payloads import delivery_key
from soak_parts.accounts import APP
from soak_parts.balancer import Ack, Balancer, Outgoing
from soak_parts.plan import LEAD, Flow
from soak_parts.slack import SoakSlack
from tests.slack.conftest import SlackPeer, message
from tests.support.fake_slack import buttons, text_objects

WAIT_S = 60.0  # for the bot to show a flow's buttons or answer


@dataclass
class Kill:
    replica: str
    at: float  # seconds since the run started
    wall: float  # Unix time, as the audit's `at`
    back: float | None = None  # healthy again, seconds since the run started


@dataclass
class Record:
    """What the flows saw, for the report."""

    confirmed: dict[int, Ack] = field(default_factory=dict)  # operation → acked Confirm
    approved: defaultdict[int, list[Ack]] = field(default_factory=lambda: defaultdict(list))
    approvals_shown: int = 0
    stalls: list[tuple[str, str, Ack | None]] = field(default_factory=list)  # (what, why, ack)
    callbacks_sent: int = 0
    callbacks_both: int = 0
    callback_keys: set[str] = field(default_factory=set)
    crashes: list[str] = field(default_factory=list)
    health_ms: list[float] = field(default_factory=list)
    kill: Kill | None = None


class Users:
    """Plays on-call, lead and viewer."""

    def __init__(self, fake: SoakSlack, balancer: Balancer, http: aiohttp.ClientSession):
        self.fake = fake
        self.balancer = balancer
        self.peer = SlackPeer("", fake, http)  # builds bodies only; the balancer sends
        self.record = Record()
        self._threads = itertools.count(1)

    async def run(self, flow: Flow) -> None:
        try:
            await getattr(self, flow.kind)(flow)
        except Exception:
            self.record.crashes.append(traceback.format_exc())

    async def read(self, flow: Flow) -> None:
        found = await self.command(flow)
        if found is not None:
            await self.reply_to(flow, *found)

    async def kick(self, flow: Flow) -> None:
        await self.confirm(flow)

    async def mute(self, flow: Flow) -> None:
        await self.confirm(flow)

    async def confirm(self, flow: Flow) -> None:
        shown = await self.buttons_for(flow, "Confirm")
        if shown is None:
            return
        ack = await self.balancer.send(self.click(flow.user, shown, "Confirm", flow.text))
        if ack is not None:
            self.record.confirmed[operation_of(shown, "Confirm")] = ack

    async def approval(self, flow: Flow) -> None:
        shown = await self.buttons_for(flow, "Approve")
        if shown is None:
            return
        self.record.approvals_shown += 1
        make = self.click(LEAD, shown, "Approve", flow.text)
        # Two distinct clicks (a double click), one to each replica, at once.
        acks = await asyncio.gather(*(self.balancer.send(make, prefer=i) for i in (0, 1)))
        op = operation_of(shown, "Approve")
        self.record.approved[op].extend(a for a in acks if a is not None)

    async def mention(self, flow: Flow) -> None:
        thread = f"1690000000.{next(self._threads):06d}"
        event = self.peer.mention_event(
            flow.user, flow.text, channel=flow.channel, thread_ts=thread
        )
        body = self.peer.event_body(event)
        event_id = json.loads(body)["event_id"]
        out = Outgoing("event", f"event:{event_id}", body, f"@bot {flow.text}")
        ack = await self.balancer.send(lambda: out)
        if ack is None:
            return
        if flow.extra:
            await self.balancer.redeliver(out, ack)
        await self.reply_in(flow.channel, thread, ack)

    async def callback(self, flow: Flow) -> None:
        body = callback_body(int(flow.text), flow.user)
        self.record.callback_keys.add(parse_event(body, str(APP)).key)
        targets: Iterable[int | None] = (0, 1) if flow.extra else (None,)
        self.record.callbacks_both += flow.extra
        for prefer in targets:
            if await self.balancer.callback(body, prefer) is not None:
                self.record.callbacks_sent += 1

    # -- steps ---------------------------------------------------------------

    def slash(self, flow: Flow) -> Callable[[], Outgoing]:
        def make() -> Outgoing:
            body = self.peer.slash_body(flow.user, flow.text, flow.channel)
            trigger = parse_qs(body.decode())["trigger_id"][0]
            return Outgoing("slash", f"command:{trigger}", body, f"/trtc {flow.text}")

        return make

    def click(
        self, user: str, shown: dict[str, Any], label: str, text: str
    ) -> Callable[[], Outgoing]:
        [button] = [b for b in buttons(shown["blocks"]) if b["text"]["text"] == label]

        def make() -> Outgoing:
            body = self.peer.press_body(user, shown, button)
            payload = json.loads(parse_qs(body.decode())["payload"][0])
            key = delivery_key(payload) or ""
            return Outgoing("click", key, body, f"{label} on `{text}` by {user}")

        return make

    async def command(self, flow: Flow) -> tuple[Ack, str] | None:
        """Send a slash command; (its ack, its parent message's ts) once posted."""
        ack = await self.balancer.send(self.slash(flow))
        if ack is None:
            self.record.stalls.append((f"/trtc {flow.text}", "no replica acknowledged", None))
            return None
        parent = await self.fake.sightings.take(
            ("parent", flow.channel, f"/trtc {flow.text}"), WAIT_S
        )
        if parent is None:
            self.record.stalls.append((ack.what, "no parent message", ack))
            return None
        return ack, parent

    async def reply_in(self, channel: str, thread: str, ack: Ack) -> str | None:
        """The ts of the first post or ephemeral in the request's thread."""
        ts = await self.fake.sightings.take(("thread", channel, thread), WAIT_S)
        if ts is None:
            self.record.stalls.append((ack.what, "no answer in the thread", ack))
        return ts

    async def reply_to(self, flow: Flow, ack: Ack, parent: str) -> str | None:
        """The first reply in a command's thread. A command the killed replica took
        is done again by the other one, under a new parent: then the reply to that."""
        deadline = time.monotonic() + WAIT_S
        again = ("parent", flow.channel, f"/trtc {flow.text}")
        while (left := deadline - time.monotonic()) > 0:
            keys = [("thread", flow.channel, parent), *([again] if self.orphaned(ack) else [])]
            waits = [asyncio.ensure_future(self.fake.sightings.take(k, min(left, 1))) for k in keys]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()
            if ts := finished(waits[0]):
                return ts
            parent = finished(waits[-1]) or parent
        self.record.stalls.append((ack.what, "no answer in the thread", ack))
        return None

    def orphaned(self, ack: Ack) -> bool:
        """Taken by the replica that was killed, before it was."""
        kill = self.record.kill
        return kill is not None and ack.replica == kill.replica and ack.at <= kill.at

    async def buttons_for(self, flow: Flow, label: str) -> dict[str, Any] | None:
        """The command's answer in its thread, if it carries a ``label`` button."""
        found = await self.command(flow)
        ts = found and await self.reply_to(flow, *found)
        if found is None or ts is None:
            return None
        if (flow.channel, ts) not in self.fake.messages:
            self.record.stalls.append((found[0].what, f"no {label}: a private answer", found[0]))
            return None
        shown = message(self.fake, flow.channel, ts)
        if not any(b["text"]["text"] == label for b in buttons(shown["blocks"])):
            headline = " ".join(t for _, t in text_objects(shown["blocks"]))
            self.record.stalls.append((found[0].what, f"no {label}: {headline}", found[0]))
            return None
        return shown


def finished(task: asyncio.Future[str | None]) -> str | None:
    """A task's result if it finished with one (not cancelled, not None)."""
    return task.result() if task.done() and not task.cancelled() else None


def operation_of(shown: dict[str, Any], label: str) -> int:
    """The operation id in a button's action id (``confirm:<id>:<nonce>``)."""
    [button] = [b for b in buttons(shown["blocks"]) if b["text"]["text"] == label]
    return int(str(button["action_id"]).split(":")[1])


def callback_body(room: int, user: str) -> bytes:
    now = int(time.time() * 1000)
    info = {"RoomId": room, "EventTs": now // 1000, "EventMsTs": now, "UserId": user}
    event = {"EventGroupId": 1, "EventType": 103, "CallbackTs": now}
    return json.dumps({**event, "EventInfo": {**info, "Role": 20, "Reason": 1}}).encode()
