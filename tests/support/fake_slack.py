"""A local fake of Slack's Web API (and Socket Mode): a real aiohttp app on 127.0.0.1.

It records every call the bot makes (method, arguments, time), keeps the
messages it was asked to post and update, serves ``auth.test``,
``usergroups.users.list`` and ``users.info`` (``names``), takes uploads the way
``files_upload_v2`` sends them, and can be scripted to answer 429 with
``Retry-After``, a Slack error (``ok: false``) or an HTTP server error
(500/503), each for the next N calls; posts to a ``response_url`` can be
refused the same way.
For Socket Mode it issues a WebSocket URL from ``apps.connections.open`` and
pushes envelopes down the socket, recording the acknowledgements.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_USER = "UBOT0TRTC"
NAMES = {"U0ONCALL": "Olive Oncall", "U0LEAD": "Lee Lead", "U0VIEWER": "Vic Viewer"}
TEAM = "T0TEAM"
# What Slack says of a person who never set a zone: the workspace default, here UTC.
_UTC_ZONE = {"tz": "UTC", "tz_label": "Coordinated Universal Time", "tz_offset": 0}


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float
    token: str | None = None

    @property
    def blocks(self) -> list[dict[str, Any]]:
        raw = self.args.get("blocks") or []
        return json.loads(raw) if isinstance(raw, str) else list(raw)

    def texts(self) -> list[str]:
        """Every text in the blocks, with its type: ('plain_text' | 'mrkdwn', text)."""
        return [t for _, t in text_objects(self.blocks)]


def text_objects(node: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            found.append((node["type"], node["text"]))
        for value in node.values():
            found.extend(text_objects(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(text_objects(item))
    return found


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        e
        for b in blocks
        if b.get("type") == "actions"
        for e in b.get("elements", [])
        if e.get("type") == "button"
    ]


Match = Callable[[dict[str, Any]], bool]


@dataclass
class _Script:
    status: int = 200
    error: str | None = None
    retry_after: int = 1
    times: int = 1
    hold_s: float = 0.0  # answer normally, but only after this long
    where: Match | None = None  # only calls whose args match


@dataclass
class FakeSlack:
    # A group mapped to None is answered ok but without its "users" list.
    usergroups: dict[str, list[str] | None] = field(default_factory=dict)
    # Display names ``users.info`` answers with; anyone else is ``user_not_found``.
    names: dict[str, str] = field(default_factory=lambda: dict(NAMES))
    # Time zones ``users.info`` answers with (``tz``, ``tz_label``, ``tz_offset``).
    zones: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response_url
    acks: list[dict[str, Any]] = field(default_factory=list)  # Socket Mode acknowledgements
    refused_responses: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    _scripts: dict[str, list[_Script]] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _files: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _posted: dict[tuple[str, str], Call] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _refuse_responses: int = 0

    # -- scripting -------------------------------------------------------------

    # ``where``: script only the calls whose arguments it accepts (a channel, a thread
    # reply); others are answered normally and leave the script waiting.

    def rate_limit_next(
        self, method: str, *, retry_after: int = 1, times: int = 1, where: Match | None = None
    ) -> None:
        self._scripts.setdefault(method, []).append(
            _Script(status=429, retry_after=retry_after, times=times, where=where)
        )

    def fail_next(
        self, method: str, error: str, *, times: int = 1, where: Match | None = None
    ) -> None:
        self._scripts.setdefault(method, []).append(_Script(error=error, times=times, where=where))

    def server_error_next(
        self, method: str, *, status: int = 503, times: int = 1, where: Match | None = None
    ) -> None:
        """Answer the next ``times`` calls with HTTP ``status`` and no JSON (a load
        balancer's page), recorded as ``method!<status>``."""
        self._scripts.setdefault(method, []).append(
            _Script(status=status, times=times, where=where)
        )

    def refuse_responses(self, times: int = 1) -> None:
        """Answer the next ``times`` posts to a ``response_url`` with 404 (it expired);
        they are recorded in ``refused_responses``, not ``responses``."""
        self._refuse_responses += times

    def hold_next(self, method: str, seconds: float) -> None:
        """Keep the next call waiting (recorded at once as ``method!held``)."""
        self._scripts.setdefault(method, []).append(_Script(hold_s=seconds))

    # -- reading what happened ---------------------------------------------------

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages_ts(self, post: Call) -> str:
        """The ts the fake gave a recorded chat.postMessage."""
        for key, call in self._posted.items():
            if call is post:
                return key[1]
        raise AssertionError("not a recorded post")

    def posts(self, channel: str | None = None) -> list[Call]:
        return [c for c in self.of("chat.postMessage") if channel in (None, c.args["channel"])]

    async def wait_for(
        self, check: Callable[[], Any], *, within: float = 10.0, what: str = "condition"
    ) -> Any:
        """Until ``check()`` is truthy (re-checked whenever a call arrives)."""
        deadline = time.monotonic() + within
        while True:
            result = check()
            if result:
                return result
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; calls: {self.summary()}")
            self._changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(left, 0.1))

    def summary(self) -> list[str]:
        return [
            f"{c.method} {c.args.get('channel', '')} {c.args.get('ts', '')}" for c in self.calls
        ]

    # -- Socket Mode -------------------------------------------------------------

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        await self.wait_for(lambda: self._sockets, what="a Socket Mode connection")
        await self._sockets[-1].send_str(json.dumps(envelope))

    # -- the server ----------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_get("/socket", self._socket)
        return app

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or args.get("token")
        scripts = [s for s in self._scripts.get(method, []) if s.where is None or s.where(args)]
        if scripts:
            script = scripts[0]
            script.times -= 1
            if script.times <= 0:
                self._scripts[method] = [s for s in self._scripts[method] if s is not script]
            if script.hold_s:
                self._record(Call(f"{method}!held", args, time.monotonic(), token))
                with suppress(TimeoutError):  # released early when the server stops
                    await asyncio.wait_for(self._released.wait(), script.hold_s)
                return await self._answer(method, args, token, request)
            self._record(
                Call(
                    f"{method}!{script.status if script.status != 200 else script.error}",
                    args,
                    time.monotonic(),
                    token,
                )
            )
            if script.status == 429:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(script.retry_after)},
                )
            if script.status != 200:
                return web.Response(status=script.status, text="Service Unavailable")
            return web.json_response({"ok": False, "error": script.error})
        return await self._answer(method, args, token, request)

    async def _answer(
        self, method: str, args: dict[str, Any], token: str | None, request: web.Request
    ) -> web.Response:
        call = Call(method, args, time.monotonic(), token)
        self._record(call)
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        body: dict[str, Any] = handler(args, request)
        if method == "chat.postMessage":
            self._posted[(args["channel"], body["ts"])] = call
        return web.json_response(body)

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed.set()

    def _next_ts(self) -> str:
        return f"1700000{next(self._ts):03d}.000100"

    def _m_auth_test(self, args: dict[str, Any], _: web.Request) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://test.slack.com/",
            "team": "Test",
            "user": "trtc",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": "B0TRTC",
        }

    def _m_chat_postMessage(self, args: dict[str, Any], _: web.Request) -> dict[str, Any]:
        ts = self._next_ts()
        message = {**args, "ts": ts}
        self.messages[(args["channel"], ts)] = message
        return {"ok": True, "channel": args["channel"], "ts": ts, "message": message}

    def _m_chat_update(self, args: dict[str, Any], _: web.Request) -> dict[str, Any]:
        key = (args["channel"], args["ts"])
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        self.messages[key] = {**self.messages[key], **args}
        return {"ok": True, "channel": args["channel"], "ts": args["ts"]}

    def _m_chat_postEphemeral(self, args: dict[str, Any], _: web.Request) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_views_publish(self, args: dict[str, Any], _: web.Request) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V0HOME", **_json(args.get("view"))}}

    def _m_usergroups_users_list(self, args: dict[str, Any], _: web.Request) -> dict[str, Any]:
        group = args.get("usergroup", "")
        if group not in self.usergroups:
            return {"ok": False, "error": "no_such_subteam"}
        users = self.usergroups[group]
        return {"ok": True} if users is None else {"ok": True, "users": users}

    def _m_users_info(self, args: dict[str, Any], _: web.Request) -> dict[str, Any]:
        user = str(args.get("user", ""))
        if user not in self.names:
            return {"ok": False, "error": "user_not_found"}
        name = self.names[user]
        return {
            "ok": True,
            "user": {
                "id": user,
                "name": name.split()[0].lower(),
                "profile": {"display_name": name, "real_name": name},
                **self.zones.get(user, _UTC_ZONE),
            },
        }

    def _m_files_getUploadURLExternal(self, args: dict[str, Any], _: web.Request) -> dict[str, Any]:
        file_id = f"F{next(self._files):04d}"
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(
        self, args: dict[str, Any], _: web.Request
    ) -> dict[str, Any]:
        files = _json(args.get("files"))
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def _m_apps_connections_open(self, args: dict[str, Any], _: web.Request) -> dict[str, Any]:
        return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        self._changed.set()
        return web.Response(text="OK")

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self._changed.set()
        if self._refuse_responses > 0:
            self._refuse_responses -= 1
            self.refused_responses.append(body)
            return web.Response(status=404, text="expired_url")
        self.responses.append(body)
        return web.json_response({"ok": True})

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                self.acks.append(json.loads(msg.data))
                self._changed.set()
        self._sockets.remove(ws)
        return ws


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else (value or {})


@asynccontextmanager
async def serve_fake_slack(fake: FakeSlack) -> AsyncIterator[FakeSlack]:
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        yield fake
    finally:
        fake._released.set()
        for ws in list(fake._sockets):
            await ws.close()
        await runner.cleanup()
