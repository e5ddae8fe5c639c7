"""Slack's side of the wire: signed requests to the replicas, with failover, recorded."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import aiohttp

from bot.callbacks import sign as sign_callback
from soak_parts.accounts import APP, CALLBACK_KEY
from soak_parts.processes import Replica
from tests.slack.conftest import sign

ATTEMPTS = 3  # per request, alternating replicas
RETRY_PAUSE_S = 0.2
REQUEST_TIMEOUT_S = 10.0
FORM = "application/x-www-form-urlencoded"


def now_s(start: float) -> float:
    return time.monotonic() - start


@dataclass(frozen=True)
class Outgoing:
    """One signed Slack request; ``key`` is the delivery's identity (as audited)."""

    kind: str  # slash | click | event
    key: str
    body: bytes
    what: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def redelivered(self, number: int) -> Outgoing:
        retry = {"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": "http_error"}
        return replace(self, headers=retry)


@dataclass(frozen=True)
class Attempt:
    key: str
    kind: str
    replica: str
    at: float  # seconds since the run started
    outcome: str  # an HTTP status, or refused | reset | timeout
    ms: float


@dataclass(frozen=True)
class Ack:
    key: str
    kind: str
    replica: str
    at: float
    ms: float
    what: str


class Balancer:
    """Each request to the next replica; when its connection fails, to the other
    (an event keeps its id, a command or click is sent afresh)."""

    def __init__(self, replicas: list[Replica], http: aiohttp.ClientSession, start: float):
        self.replicas = replicas
        self.http = http
        self.start = start
        self.acked: dict[str, Ack] = {}
        self.attempts: list[Attempt] = []
        self.failovers = 0
        self.redeliveries: list[Attempt] = []
        self._turn = itertools.count()
        self._marks: list[tuple[int, asyncio.Event]] = []

    def reaching(self, count: int) -> asyncio.Event:
        """Set once ``count`` requests have been acknowledged."""
        mark = asyncio.Event()
        self._marks.append((count, mark))
        return mark

    def order(self, prefer: int | None) -> list[Replica]:
        first = next(self._turn) if prefer is None else prefer
        return [self.replicas[(first + i) % len(self.replicas)] for i in range(ATTEMPTS)]

    async def send(self, make: Callable[[], Outgoing], *, prefer: int | None = None) -> Ack | None:
        """Until a replica acknowledges the request (None after ATTEMPTS failures)."""
        out = make()
        for number, replica in enumerate(self.order(prefer)):
            if number:
                self.failovers += 1
                out = out.redelivered(number) if out.kind == "event" else make()
            attempt = await self.post(replica, out)
            self.attempts.append(attempt)
            if attempt.outcome == "200":
                ack = Ack(out.key, out.kind, replica.name, attempt.at, attempt.ms, out.what)
                self.acked[out.key] = ack
                for count, mark in self._marks:
                    if len(self.acked) >= count:
                        mark.set()
                return ack
            await asyncio.sleep(RETRY_PAUSE_S)
        return None

    async def redeliver(self, out: Outgoing, first: Ack) -> None:
        """Slack delivers an acknowledged event again (it thought the ack was lost)."""
        others = [r for r in self.replicas if r.name != first.replica] or self.replicas
        same = [r for r in self.replicas if r.name == first.replica]
        if random.random() < 0.7:  # as before for two replicas: one draw only
            replica = others[0] if len(others) == 1 else random.choice(others)
        else:
            replica = same[0]
        self.redeliveries.append(await self.post(replica, out.redelivered(1)))

    async def post(self, replica: Replica, out: Outgoing) -> Attempt:
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json" if out.kind == "event" else FORM,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(out.body, stamp),
            **out.headers,
        }
        outcome, at, ms = await self._timed(replica.url + "/slack/events", out.body, headers)
        return Attempt(out.key, out.kind, replica.name, at, outcome, ms)

    async def _timed(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[str, float, float]:
        at, started = now_s(self.start), time.perf_counter()
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        try:
            async with self.http.post(url, data=body, headers=headers, timeout=timeout) as r:
                await r.read()
                outcome = str(r.status)
        except aiohttp.ClientConnectorError:
            outcome = "refused"
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError):
            outcome = "reset"
        except TimeoutError:
            outcome = "timeout"
        return outcome, at, (time.perf_counter() - started) * 1e3

    async def callback(self, body: bytes, prefer: int | None) -> str | None:
        """A signed TRTC callback; the replica that answered 200, if any."""
        headers = {
            "Content-Type": "application/json",
            "Sign": sign_callback(body, CALLBACK_KEY),
            "SdkAppId": str(APP),
        }
        for replica in self.order(prefer):
            outcome, _, _ = await self._timed(replica.url + "/trtc/callback", body, headers)
            if outcome == "200":
                return replica.name
            await asyncio.sleep(RETRY_PAUSE_S)
        return None
