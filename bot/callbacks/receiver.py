"""``POST /trtc/callback``: TRTC's room and media event callbacks, verified first.

In order, each refusal with nothing stored and nothing posted:

    body over MAX_BODY              → 413
    Sign missing or not the body's  → 401   (HMAC-SHA256, constant-time compare)
    body not a TRTC callback        → 400
    CallbackTs outside the horizon  → 401   (a replay of a captured callback)
    too many waiting to be stored   → 503   (TRTC retries)

A good callback is stored (one group commit, see ``intake.py``) and answered
200 ``{"code":0}`` at once; turning it into words happens after the answer.
The same event again — TRTC retries for a minute — is answered 200 and
dropped. Mount it with ``add_routes(app, receiver)`` in the HTTP-mode server,
or serve it alone with ``serve_receiver`` (Socket Mode deployments).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web

from bot.callbacks.banlist import Banlist, add_banlist_route
from bot.callbacks.event import MalformedCallback, parse_event
from bot.callbacks.intake import Intake, Overloaded
from bot.callbacks.recording import RECORDING_GROUP, RecordingSink
from bot.callbacks.signature import verify
from bot.metrics import CALLBACKS

log = logging.getLogger(__name__)

CALLBACK_PATH = "/trtc/callback"
# TRTC's bodies are a few hundred bytes; 64 KiB leaves room for fields added later.
MAX_BODY = 64 * 1024
# TRTC stops retrying a message once it is a minute old; a minute more covers
# clock skew and a retry already in flight. Older is a replay.
REPLAY_HORIZON_S = 120.0
# CallbackTs this far ahead of our clock is not a clock we trust either.
FUTURE_SKEW_S = 60.0

_OK = b'{"code":0}'


def _answer(status: int, message: str) -> web.Response:
    return web.json_response({"code": status, "message": message}, status=status)


class Receiver:
    def __init__(
        self,
        key: str,
        intake: Intake,
        *,
        clock: Callable[[], float] = time.time,
        max_body: int = MAX_BODY,
        horizon_s: float = REPLAY_HORIZON_S,
        future_s: float = FUTURE_SKEW_S,
        recordings: RecordingSink | None = None,
    ) -> None:
        if not key:
            # What TRTC sends without a key is undocumented; unsigned is refused.
            raise ValueError("the callback receiver needs TRTC_CALLBACK_KEY")
        self._key = key
        self.intake = intake
        # Recording callbacks go to the chain of custody, not the room feed.
        self.recordings = recordings
        self._clock = clock
        self._max_body = max_body
        self._horizon_ms = horizon_s * 1000
        self._future_ms = future_s * 1000
        self.answers: Counter[int] = Counter()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        response = await self._handle(request)
        self.answers[response.status] += 1
        CALLBACKS.labels(status=str(response.status)).inc()
        return response

    async def _handle(self, request: web.Request) -> web.Response:
        body = await self._read(request)
        if body is None:
            return _answer(413, f"the body is larger than {self._max_body} bytes")
        if not verify(body, request.headers.get("Sign"), self._key):
            missing = not request.headers.get("Sign")
            log.info("callback refused: %s Sign", "missing" if missing else "bad")
            return _answer(401, "missing Sign" if missing else "Sign does not match the body")
        try:
            event = parse_event(body, request.headers.get("SdkAppId"))
        except MalformedCallback as exc:
            return _answer(400, str(exc))
        age_ms = self._clock() * 1000 - event.callback_ms
        if age_ms > self._horizon_ms or -age_ms > self._future_ms:
            log.info("callback refused: CallbackTs is %.0f s off", age_ms / 1000)
            return _answer(401, "CallbackTs is outside the accepted window (a replay?)")
        try:
            if event.group == RECORDING_GROUP and self.recordings is not None:
                await self.recordings.accept(event, body)
            else:
                await self.intake.accept(event)
        except MalformedCallback as exc:
            return _answer(400, str(exc))
        except Overloaded:
            return _answer(503, "busy; retry")
        except Exception:
            log.exception("a callback could not be stored")
            return _answer(500, "not stored; retry")
        return web.Response(body=_OK, content_type="application/json")

    async def _read(self, request: web.Request) -> bytes | None:
        """The raw body, or None when it is over the limit (not read past it)."""
        length = request.content_length
        if length is not None:
            # aiohttp reads exactly Content-Length bytes: the limit is already checked.
            return None if length > self._max_body else await request.read()
        body = bytearray()
        async for chunk in request.content.iter_chunked(16 * 1024):
            body += chunk
            if len(body) > self._max_body:
                return None
        return bytes(body)


def add_routes(app: web.Application, receiver: Receiver, *, path: str = CALLBACK_PATH) -> None:
    """Mount the receiver on an aiohttp application (the HTTP-mode Slack server)."""
    app.router.add_post(path, receiver.handle)


@asynccontextmanager
async def serve_receiver(
    receiver: Receiver, *, host: str = "127.0.0.1", port: int = 0, banlist: Banlist | None = None
) -> AsyncIterator[str]:
    """The receiver alone on its own port until the block exits (with ``GET /trtc/banned``
    when a ``banlist`` is given); yields the callback URL."""
    app = web.Application()
    add_routes(app, receiver)
    if banlist is not None:
        add_banlist_route(app, banlist)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1]
        url_host = f"[{host}]" if ":" in host else host
        yield f"http://{url_host}:{bound}{CALLBACK_PATH}"
    finally:
        await runner.cleanup()
