"""The two ways Slack reaches the bot: HTTP (aiohttp) and Socket Mode.

HTTP mode serves ``POST /slack/events`` for commands, events and interactions
(Bolt verifies each signature before anything else), ``GET /healthz``, and
``POST /trtc/callback`` for TRTC's event callbacks when a callback key is set.
Socket Mode opens an outbound WebSocket with the app-level token; Bolt's
handler acknowledges each envelope and reconnects when Slack asks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.metrics import exposition
from bot.slack.app import SlackBot

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


# Adds more routes to the server (the TRTC callback receiver's ``add_routes``).
Mount = Callable[[web.Application], object]


def web_app(bot: SlackBot, mount: Mount | None = None) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        response = await bot.app.async_dispatch(await to_bolt_request(request))
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

    app = web.Application()
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_get(HEALTH_PATH, healthz)
    app.router.add_get(READY_PATH, readyz)
    app.router.add_get(METRICS_PATH, metrics)
    if mount is not None:
        mount(app)  # POST /trtc/callback, when TRTC_CALLBACK_KEY is set
    return app


@asynccontextmanager
async def serve_http(
    bot: SlackBot, *, host: str, port: int, mount: Mount | None = None
) -> AsyncIterator[str]:
    """Serve until the block exits; yields the base URL (``port=0`` picks a free port)."""
    runner = web.AppRunner(web_app(bot, mount), access_log=None)
    await runner.setup()
    try:
        # Slack opens many connections at once in a burst; 128 (the default) drops SYNs.
        site = web.TCPSite(runner, host, port, backlog=1024)
        await site.start()
        bound = runner.addresses[0][1]
        yield f"http://{host}:{bound}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def socket_mode(bot: SlackBot, app_token: str) -> AsyncIterator[AsyncSocketModeHandler]:
    """Connected until the block exits (``apps.connections.open`` on ``SLACK_API_URL``)."""
    handler = AsyncSocketModeHandler(bot.app, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        yield handler
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
