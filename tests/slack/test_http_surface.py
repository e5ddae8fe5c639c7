"""The HTTP server faces the internet: slow or greedy clients are cut off, malformed
signature headers are 401, accept() failures do not flood the log, and a signed
request nothing takes does not stay open in the inbox."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import text

from bot.slack import serve_http
from tests.slack.conftest import ONCALL, World, sign

HEAD = "POST /slack/events HTTP/1.1\r\nHost: localhost\r\n"


@asynccontextmanager
async def _server(world: World, **limits: Any) -> AsyncIterator[tuple[str, int]]:
    async with serve_http(world.bot, host="127.0.0.1", port=0, **limits) as url:
        parsed = urlparse(url)
        assert parsed.hostname and parsed.port
        yield parsed.hostname, parsed.port


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """What the server sent before closing; fails if it keeps the connection longer."""
    async with asyncio.timeout(seconds):
        return await reader.read()


@pytest.mark.parametrize(
    ("case", "timestamp", "signature"),
    [
        ("non-numeric timestamp", "yesterday", "sign"),
        ("empty timestamp", "", "sign"),
        ("exponent timestamp", "1e10", "sign"),
        ("non-ASCII signature", None, "v0=é" + "0" * 63),
    ],
)
async def test_malformed_signature_headers_are_401(
    world: World, case: str, timestamp: str | None, signature: str
) -> None:
    """Bolt would raise on these (HTTP 500 and a traceback); they are simply not Slack."""
    body = world.slack.slash_body(ONCALL, "users 1234")
    ts = timestamp if timestamp is not None else str(int(time.time()))
    if signature == "sign":
        signature = sign(body, ts)
    status, answer = await world.slack.send(
        body, "application/x-www-form-urlencoded", timestamp=ts, signature=signature
    )
    assert (status, json.loads(answer)) == (401, {"error": "invalid request"}), case
    await world.bot.adapter.drain()
    assert world.sim.simulator.requests == []


async def test_a_client_that_never_finishes_its_head_is_dropped(world: World) -> None:
    async with _server(world, header_timeout_s=0.5) as (host, port):
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(HEAD.encode())  # and never the blank line
        await writer.drain()
        assert await _closed_within(reader, 3.0) == b""
        writer.close()


async def test_a_client_that_never_finishes_its_body_gets_408(world: World) -> None:
    async with _server(world, body_timeout_s=0.5) as (host, port):
        reader, writer = await asyncio.open_connection(host, port)
        head = HEAD + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        writer.write(head.encode() + b'{"a": ')  # 6 bytes of 100
        await writer.drain()
        answer = await _closed_within(reader, 3.0)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:40]
        writer.close()


async def test_connections_past_the_cap_are_closed_at_once(world: World) -> None:
    async with _server(world, max_connections=3) as (host, port):
        held = [await asyncio.open_connection(host, port) for _ in range(3)]
        await asyncio.sleep(0.1)
        reader, writer = await asyncio.open_connection(host, port)
        assert await _closed_within(reader, 2.0) == b""
        writer.close()
        for _, w in held:
            w.close()
        await asyncio.sleep(0.1)
        reader, writer = await asyncio.open_connection(host, port)  # room again
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (await _closed_within(reader, 2.0)).startswith(b"HTTP/1.1 200")
        writer.close()


async def test_accept_failures_are_logged_once_per_interval(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Out of descriptors, asyncio reports every retry; the log gets one line, not 200."""
    loop = asyncio.get_running_loop()
    error = OSError(errno.EMFILE, "Too many open files")
    with caplog.at_level(logging.ERROR):
        for _ in range(200):
            loop.call_exception_handler(
                {"message": "socket.accept() out of system resource", "exception": error}
            )
    reports = [r for r in caplog.records if "Too many open files" in r.getMessage()]
    assert len(reports) == 1
    assert "cannot accept connections" in reports[0].getMessage()


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "event_callback", "event_id": "Ev0MALFORMED", "event": {"type": "reaction_added"}},
        {"type": "event_callback", "event_id": "Ev0NOEVENT"},
    ],
    ids=["event no listener takes", "event without an event"],
)
async def test_a_signed_request_nothing_takes_is_closed_in_the_inbox(
    world: World, payload: dict[str, object]
) -> None:
    status, _ = await world.slack.event(json.dumps(payload).encode())
    assert status != 500
    await world.bot.adapter.drain()
    async with world.store.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT key, done FROM slack_deliveries"))).all()
    assert [(key, bool(done)) for key, done in rows] == [(f"event:{payload['event_id']}", True)]
