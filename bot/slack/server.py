"""The two ways Slack reaches the bot: HTTP (aiohttp) and Socket Mode.

HTTP mode serves ``POST /slack/events`` for commands, events and interactions
(Bolt verifies each signature before anything else; a ``/trtc`` command is
verified here and acknowledged without Bolt, see ``listeners.py``), ``GET /healthz``, and
``POST /trtc/callback`` for TRTC's event callbacks when a callback key is set.
Socket Mode opens an outbound WebSocket with the app-level token; Bolt's
handler acknowledges each envelope and reconnects when Slack asks.

The HTTP server faces the internet, so it bounds what a client can hold: a new
connection must send a whole request head within ``HEADER_TIMEOUT_S`` (aiohttp
arms its keep-alive timer at connect) and its body within ``BODY_TIMEOUT_S``;
past ``max_connections`` a new connection is closed at once; and when accept()
fails for want of descriptors the error is logged once per ``ACCEPT_LOG_EVERY_S``
with a count, not once per attempt.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.response import BoltResponse

from bot.metrics import exposition
from bot.slack.app import SlackBot
from bot.slack.listeners import COMMAND
from bot.slack.payloads import delivery_key, form_fields

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"

HEADER_TIMEOUT_S = 5.0  # connect → whole request head (and idle keep-alive)
BODY_TIMEOUT_S = 5.0  # request head → whole body
MAX_CONNECTIONS = 1000  # and never more than half the descriptors we may open
ACCEPT_LOG_EVERY_S = 60.0
_ACCEPT_FAILED = "socket.accept() out of system resource"
_INVALID = {"error": "invalid request"}  # what Bolt answers a bad signature


# Adds more routes to the server (the TRTC callback receiver's ``add_routes``).
Mount = Callable[[web.Application], object]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def web_app(
    bot: SlackBot,
    mount: Mount | None = None,
    *,
    body_timeout_s: float = BODY_TIMEOUT_S,
    slack_events: bool = True,
) -> web.Application:
    """``slack_events=False``: Socket Mode, where events come over the socket and the
    server is only for the platform (health, readiness, metrics, TRTC callbacks)."""
    deliveries = bot.adapter.core.services.store.deliveries

    async def events(request: web.Request) -> web.Response:
        with bot.adapter.tasks.answering():  # the work of earlier requests waits for this
            return await answer(request)

    async def answer(request: web.Request) -> web.Response:
        if not _signature_headers_well_formed(request):
            return web.json_response(_INVALID, status=401)
        command = await _slash_command(bot, request)
        if command is not None and bot.acknowledge is not None:
            if not _signed(bot, request, command[0]):
                return web.json_response(_INVALID, status=401)
            return _ack(await bot.acknowledge(command[1]))
        bolt_request = await to_bolt_request(request)
        response = await bot.app.async_dispatch(bolt_request)
        if response.status >= 400 and response.status != 401:
            # Signed but nothing took it (malformed, or a type no listener handles):
            # a claim made for it would otherwise stay open for ever.
            key = delivery_key(bolt_request.body)
            if key is not None:
                await deliveries.finish(key)
        return await to_aiohttp_response(response)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def readyz(_: web.Request) -> web.Response:
        """Ready to take traffic: the database answers and Slack accepts our token."""
        checks = {
            "database": await bot.adapter.core.services.store.ping(),
            "slack": await bot.outbox.auth_ok(),
        }
        return web.json_response(
            {"ok": all(checks.values()), **checks}, status=200 if all(checks.values()) else 503
        )

    async def metrics(_: web.Request) -> web.Response:
        body, content_type = exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    @web.middleware
    async def body_in_time(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Read the whole body first, within the limit: a slow sender is cut off."""
        if request.can_read_body and request.content.is_eof():
            await request.read()  # all in already (a form arrives with its head): no timer
        elif request.can_read_body:
            try:
                async with asyncio.timeout(body_timeout_s):
                    await request.read()  # kept: handlers read it again from memory
            except TimeoutError:  # answered, then closed (no lingering for the rest)
                return web.json_response({"error": "request body too slow"}, status=408)
        return await handler(request)

    app = web.Application(middlewares=[body_in_time])
    if slack_events:
        app.router.add_post(EVENTS_PATH, events)
    app.router.add_get(HEALTH_PATH, healthz)
    app.router.add_get(READY_PATH, readyz)
    app.router.add_get(METRICS_PATH, metrics)
    if mount is not None:
        mount(app)  # POST /trtc/callback, when TRTC_CALLBACK_KEY is set
    return app


def _signature_headers_well_formed(request: web.Request) -> bool:
    """Bolt raises (HTTP 500) on a non-ASCII signature or a non-numeric timestamp."""
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    return (
        timestamp.isascii()
        and timestamp.isdigit()
        and len(timestamp) <= 12
        and signature.isascii()
        and signature.isprintable()
    )


async def _slash_command(
    bot: SlackBot, request: web.Request
) -> tuple[bytes, dict[str, Any]] | None:
    """A form-encoded ``/trtc`` command (raw body, fields), or None for everything else
    (events, clicks, an SSL check, another command: Bolt's)."""
    if bot.verifier is None or request.content_type != "application/x-www-form-urlencoded":
        return None
    raw = await request.read()  # read already, within the limit
    if b"command=" not in raw:
        return None
    fields: dict[str, Any] = form_fields(raw)
    if fields.get("command") != COMMAND or "payload" in fields or "ssl_check" in fields:
        return None
    return raw, fields


def _ack(response: BoltResponse) -> web.Response:
    """Bolt's ``to_aiohttp_response`` for what ``acknowledge`` answers (no cookies, one
    value a header): a fifth of its cost, paid 200 times in a burst."""
    headers = {name: values[0] for name, values in response.headers.items() if values}
    return web.Response(status=response.status, body=response.body.encode(), headers=headers)


def _signed(bot: SlackBot, request: web.Request, raw: bytes) -> bool:
    """Slack's v0 signature over the raw body, within five minutes (as Bolt checks it)."""
    assert bot.verifier is not None
    return bot.verifier.is_valid(
        raw,
        request.headers.get("X-Slack-Request-Timestamp", ""),
        request.headers.get("X-Slack-Signature", ""),
    )


def connection_cap() -> int:
    """``MAX_CONNECTIONS``, or half the descriptors this process may open if fewer."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(8, min(MAX_CONNECTIONS, soft // 2))


class _CappedSite(web.TCPSite):
    """A TCP site whose protocol factory turns away connections past the cap."""

    def __init__(self, runner: web.AppRunner, host: str, port: int, *, cap: int) -> None:
        super().__init__(runner, host, port, backlog=1024)
        self._cap = cap

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        cap = self._cap

        def protocol() -> asyncio.Protocol:
            if len(server.connections) >= cap:
                return _TurnedAway()
            return server()

        loop = asyncio.get_running_loop()
        # Slack opens many connections at once in a burst; 128 (the default) drops SYNs.
        self._server = await loop.create_server(
            protocol, self._host, self._port, backlog=self._backlog, reuse_address=True
        )


class _TurnedAway(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


class AcceptErrors:
    """A loop exception handler that logs accept() failures once per interval."""

    def __init__(
        self, previous: Callable[[asyncio.AbstractEventLoop, dict[str, Any]], object] | None
    ) -> None:
        self._previous = previous
        self._last = float("-inf")
        self._suppressed = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") != _ACCEPT_FAILED:
            if self._previous is not None:
                self._previous(loop, context)
            else:
                loop.default_exception_handler(context)
            return
        now = time.monotonic()
        if now - self._last < ACCEPT_LOG_EVERY_S:
            self._suppressed += 1
            return
        log.error(
            "cannot accept connections: %s (%d more like it since the last report)",
            context.get("exception"),
            self._suppressed,
        )
        self._last, self._suppressed = now, 0


@asynccontextmanager
async def serve_http(
    bot: SlackBot,
    *,
    host: str,
    port: int,
    mount: Mount | None = None,
    header_timeout_s: float = HEADER_TIMEOUT_S,
    body_timeout_s: float = BODY_TIMEOUT_S,
    max_connections: int | None = None,
    slack_events: bool = True,
) -> AsyncIterator[str]:
    """Serve until the block exits; yields the base URL (``port=0`` picks a free port)."""
    app = web_app(bot, mount, body_timeout_s=body_timeout_s, slack_events=slack_events)
    # lingering_time=0: a body left unread (too slow, too large) is not waited for.
    runner = web.AppRunner(
        app, access_log=None, keepalive_timeout=header_timeout_s, lingering_time=0
    )
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(AcceptErrors(previous))
    await runner.setup()
    try:
        cap = max_connections if max_connections is not None else connection_cap()
        site = _CappedSite(runner, host, port, cap=cap)
        await site.start()
        bound = runner.addresses[0][1]
        yield f"http://{host}:{bound}"
    finally:
        await runner.cleanup()
        loop.set_exception_handler(previous)


@asynccontextmanager
async def socket_mode(bot: SlackBot, app_token: str) -> AsyncIterator[AsyncSocketModeHandler]:
    """Connected until the block exits (``apps.connections.open`` on ``SLACK_API_URL``)."""
    handler = AsyncSocketModeHandler(bot.app, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        yield handler
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
