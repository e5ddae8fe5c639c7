"""Slack's side: the tests' fake Web API, handing each flow the message it waits for."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_slack import FakeSlack


class Sightings:
    """Messages as the bot posts them, each handed once to the flow waiting for it."""

    def __init__(self) -> None:
        self._seen: defaultdict[Hashable, deque[str]] = defaultdict(deque)
        self._waiting: defaultdict[Hashable, deque[asyncio.Future[str]]] = defaultdict(deque)

    def add(self, key: Hashable, ts: str) -> None:
        waiting = self._waiting.get(key)
        while waiting:
            future = waiting.popleft()
            if not future.done():
                future.set_result(ts)
                return
        self._seen[key].append(ts)

    async def take(self, key: Hashable, within: float) -> str | None:
        seen = self._seen.get(key)
        if seen:
            return seen.popleft()
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiting[key].append(future)
        try:
            return await asyncio.wait_for(future, within)
        except TimeoutError:
            return None


@dataclass
class SoakSlack(FakeSlack):
    """The tests' fake Slack Web API, telling flows where their messages appeared:
    ("parent", channel, "/trtc …") for a command's parent, ("thread", channel, ts)
    for the first post or ephemeral in a thread."""

    sightings: Sightings = field(default_factory=Sightings)

    def _m_chat_postMessage(self, args: dict[str, Any], request: Any) -> dict[str, Any]:
        body = super()._m_chat_postMessage(args, request)
        channel, thread = args["channel"], args.get("thread_ts")
        if thread:
            self.sightings.add(("thread", channel, thread), body["ts"])
        else:
            line, colon, _ = str(args.get("text", "")).partition(": ")
            if colon and line.startswith("/trtc "):
                self.sightings.add(("parent", channel, line), body["ts"])
        return body

    def _m_chat_postEphemeral(self, args: dict[str, Any], request: Any) -> dict[str, Any]:
        body = super()._m_chat_postEphemeral(args, request)
        if args.get("thread_ts"):
            self.sightings.add(("thread", args["channel"], args["thread_ts"]), body["message_ts"])
        return body
