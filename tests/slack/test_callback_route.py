"""HTTP mode serves TRTC's callbacks beside Slack's events when a key is configured."""

from __future__ import annotations

import json
import time

import aiohttp
from aiohttp import web

from bot.callbacks import CallbackService, sign
from bot.slack.server import web_app
from tests.slack.conftest import World

KEY = "callbackkey123"


def _body() -> bytes:
    now = int(time.time() * 1000)
    event = {
        "EventGroupId": 1,
        "EventType": 103,
        "CallbackTs": now,
        "EventInfo": {"RoomId": 1234, "EventTs": now // 1000, "EventMsTs": now, "UserId": "zed"},
    }
    return json.dumps(event).encode()


async def _post(app: web.Application, body: bytes, signature: str | None) -> int:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    headers = {"Content-Type": "application/json", "SdkAppId": "1400000001"}
    if signature is not None:
        headers["Sign"] = signature
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"http://127.0.0.1:{port}/trtc/callback", data=body, headers=headers) as r,
        ):
            return r.status
    finally:
        await runner.cleanup()


async def test_callback_route_mounted_with_a_key(world: World) -> None:
    """A signed callback is accepted at /trtc/callback; a badly signed one is refused."""
    async with CallbackService(world.store, KEY) as callbacks:
        body = _body()
        assert await _post(web_app(world.bot, callbacks.add_routes), body, sign(body, KEY)) == 200
        assert (
            await _post(web_app(world.bot, callbacks.add_routes), body, sign(body, "wrong")) == 401
        )


async def test_no_key_no_route(world: World) -> None:
    """Without TRTC_CALLBACK_KEY nothing is served at /trtc/callback (fail closed)."""
    async with CallbackService(world.store, None) as callbacks:
        body = _body()
        assert await _post(web_app(world.bot, callbacks.add_routes), body, sign(body, KEY)) == 404
