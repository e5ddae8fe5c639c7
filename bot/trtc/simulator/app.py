"""The simulator as an aiohttp application: one endpoint, ``/``, dispatched on X-TC-Action.

A request goes through, in order: HTTP method (GET/POST) → a v1 signature
(``legacy.py``) or X-TC-Action, X-TC-Version present → POST Content-Type is JSON → TC3
signature (``verify.py``) → version 2019-07-22 → known action → the site offers it
(``site.py``) → region → language → scripted failures (``fail_next``) → rate limit →
random InternalError (``error_rate``) → parameters (``params.py``, then the site's
DataType list) → the handler.
Every request is recorded in ``Simulator.requests``, whatever it was answered.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import deque
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bot.trtc.simulator.actions import ACTIONS, VERSION
from bot.trtc.simulator.callbacks import Announcer, CallbackSender
from bot.trtc.simulator.chinese import localized
from bot.trtc.simulator.config import SimulatorConfig
from bot.trtc.simulator.envelope import (
    ApiError,
    error_body,
    json_response,
    new_request_id,
    success_body,
)
from bot.trtc.simulator.legacy import COMMON, is_legacy, verify_legacy
from bot.trtc.simulator.lost import Losses, LostAnswer, LostAnswers
from bot.trtc.simulator.params import BODY_ERROR, read_params, unflatten
from bot.trtc.simulator.presence import Presence, comebacks
from bot.trtc.simulator.ratelimit import SlidingWindow, limit_message
from bot.trtc.simulator.recording import install_recorder
from bot.trtc.simulator.relay import open_desk
from bot.trtc.simulator.site import check_action, check_params
from bot.trtc.simulator.verify import SERVICE, Credential, verify_signature
from bot.trtc.simulator.world import World, build_world
from bot.trtc.transport import rate_key

MAX_BODY = 10 * 1024 * 1024  # TC3-signed POST limit
LANGUAGES = frozenset({"zh-CN", "en-US"})
_MESSAGES = {
    "InternalError": "An internal error has occurred. Retry your request, but if the problem "
    "persists, contact us.",
    "RequestLimitExceeded": "Your current request times exceeds the frequency limit for a "
    "second. Please reduce the frequency of calls.",
}


@dataclass
class RecordedRequest:
    """What arrived (and how it was answered): for tests and the console."""

    action: str
    params: dict[str, Any]
    headers: dict[str, str]
    time: float
    method: str = "POST"
    body: bytes = field(default=b"", repr=False)
    status: int = 200
    error_code: str | None = None
    request_id: str | None = None
    # Set when the request was applied and its answer then lost (lost.py).
    lost: LostAnswer | None = None


@dataclass
class _Scripted:
    code: str | None
    message: str | None
    http_status: int | None
    body: str | None
    remaining: int


class _TransportFailure(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(status)
        self.status, self.body = status, body


class Simulator:
    """The world, the aiohttp app serving it, the recorded requests and the fault script."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.world: World = build_world(
            seed=config.seed, clock=config.clock, scenario=config.scenario, archive=config.archive()
        )
        if not config.rate_limit:  # pacing off: DescribeTrtcRoomUsage's 15 s too
            self.world.room_usage_interval_s = 0.0
        self.requests: list[RecordedRequest] = []
        self._credential = Credential(config.secret_id, config.secret_key, config.token)
        self._limiter = SlidingWindow(config.rate_limit) if config.rate_limit else None
        self._faults = random.Random(f"{config.seed}|faults")
        self._scripted: dict[str, deque[_Scripted]] = {}
        rates = config.lost_answers
        if rates == LostAnswers() and config.scenario is not None:
            rates = LostAnswers(**config.scenario.lost_answers.model_dump())
        self._losses = Losses(rates, config.seed)
        # Event callbacks to the app's receiver (started by ``serve_simulator``).
        self.announcer: Announcer | None = None
        if config.callback_url:
            sender = CallbackSender(config.callback_url, config.callback_key, clock=config.clock)
            self.announcer = Announcer(self.world, sender)
        self.recorder = install_recorder(self.world, self.announcer, config)
        # Relay and ingest tasks (relay.py); their status callbacks go the same way.
        emit = self.announcer.sender.emit if self.announcer is not None else None
        self.relays = open_desk(self.world, config, emit)
        self.presence = Presence(self.world, self.announcer, comebacks(config.scenario))
        if self.announcer is not None:
            self.announcer.on_tick = self.presence.tick
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_route("*", "/", self._handle)

    def join(self, sdkappid: int, room: int | str, user: str) -> bool:
        """``user`` enters the room now (an int is a numeric room), told by a signed 103
        like TRTC's; False when already there. A room that is not live starts."""
        return self.presence.join(sdkappid, room, user)

    def leave(self, sdkappid: int, room: int | str, user: str) -> bool:
        """``user`` leaves the room now (104, Reason 1); False when not in it."""
        return self.presence.leave(sdkappid, room, user)

    def fail_next(
        self,
        action: str,
        code: str | None = None,
        message: str | None = None,
        *,
        http_status: int | None = None,
        body: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` authenticated requests for ``action`` with an API
        error ``code``, or with a transport failure: ``http_status`` (e.g. 502) and/or
        a non-JSON ``body``. Scripts for one action queue up in order."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {sorted(ACTIONS)}")
        if (code is None) == (http_status is None and body is None):
            raise ValueError("give either an error code, or http_status and/or body")
        if times < 1:
            raise ValueError("times must be at least 1")
        script = _Scripted(code, message, http_status, body, times)
        self._scripted.setdefault(action, deque()).append(script)

    def lose_next(self, action: str, how: LostAnswer, *, times: int = 1) -> None:
        """Apply the next ``times`` successful ``action`` requests, then lose their answer."""
        if action not in ACTIONS or action.startswith("Describe"):
            raise ValueError(f"{action!r} is not a write; answers are lost after changes only")
        self._losses.queue(action, how, times)

    async def _lose(
        self, request: web.Request, record: RecordedRequest, how: LostAnswer, payload: Any
    ) -> web.StreamResponse:
        record.lost = how
        if how is LostAnswer.INTERNAL_ERROR:
            record.error_code = "InternalError"
            language = request.headers.get("X-TC-Language")
            message = localized("InternalError", _MESSAGES["InternalError"], language)
            body = error_body("InternalError", message, record.request_id or "")
            return json_response(body)
        if how is LostAnswer.TIMEOUT:
            await asyncio.sleep(self.config.lost_answer_hold_s)
            return json_response(success_body(payload, record.request_id or ""))
        if request.transport is not None:  # DROP: close the connection, no answer at all
            request.transport.close()
        raise asyncio.CancelledError

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        received = self.config.clock()
        try:
            body: bytes | None = await request.read()
        except web.HTTPRequestEntityTooLarge:
            body = None
        headers = {name.lower(): value for name, value in request.headers.items()}
        query = request.raw_path.partition("?")[2]
        legacy = self._legacy_pairs(request.method, headers, query, body or b"")
        if legacy is not None:
            action = dict(legacy).get("Action", "").strip()
            raw, bad_body = unflatten([(k, v) for k, v in legacy if k not in COMMON]), None
        else:
            action = headers.get("x-tc-action", "").strip()
            raw, bad_body = self._decode(action, request.method, query, body or b"")
        record = RecordedRequest(
            action=action,
            params=raw,
            headers=dict(request.headers),
            time=received,
            method=request.method,
            body=body or b"",
        )
        self.requests.append(record)
        if self.config.latency_ms > 0:
            await asyncio.sleep(self.config.latency_ms / 1000)
        request_id = new_request_id()
        try:
            if body is None:
                raise ApiError("RequestSizeLimitExceeded", "The request body exceeds 10 MB.")
            payload = self._process(record, headers, query, body, bad_body, legacy, request.path)
        except ApiError as err:
            record.error_code, record.request_id = err.code, request_id
            language = headers.get("x-tc-language") or dict(legacy or []).get("Language")
            message = localized(err.code, err.message, language)
            return json_response(error_body(err.code, message, request_id))
        except _TransportFailure as failure:
            record.status = failure.status
            return web.Response(status=failure.status, text=failure.body, content_type="text/html")
        record.request_id = request_id
        how = self._losses.next(action)
        if how is not None:
            return await self._lose(request, record, how, payload)
        return json_response(success_body(payload, request_id))

    @staticmethod
    def _decode(
        action: str, method: str, query: str, body: bytes
    ) -> tuple[dict[str, Any], ApiError | None]:
        code = BODY_ERROR.get(action, "InvalidParameter")
        try:
            if method == "GET":
                return unflatten(parse_qsl(query, keep_blank_values=True)), None
            data = json.loads(body) if body.strip() else {}
        except ApiError as err:
            return {}, err
        except ValueError as err:  # also UnicodeDecodeError
            return {}, ApiError(code, f"The request body is not valid JSON: {err}.")
        if not isinstance(data, dict):
            return {}, ApiError(code, "The request body must be a JSON object.")
        return data, None

    @staticmethod
    def _legacy_pairs(
        method: str, headers: dict[str, str], query: str, body: bytes
    ) -> list[tuple[str, str]] | None:
        """The parameters of a v1-signed request (query or form body); None for TC3."""
        if "authorization" in headers:
            return None
        form = query if method == "GET" else body.decode("utf-8", "replace")
        if method == "POST" and "x-www-form-urlencoded" not in headers.get("content-type", ""):
            form = query
        pairs = parse_qsl(form, keep_blank_values=True)
        return pairs if is_legacy(headers, pairs) else None

    def _process(
        self,
        record: RecordedRequest,
        headers: dict[str, str],
        query: str,
        body: bytes,
        bad_body: ApiError | None,
        legacy: list[tuple[str, str]] | None = None,
        path: str = "/",
    ) -> dict[str, Any]:
        method = record.method
        if method not in ("GET", "POST"):
            raise ApiError(
                "UnsupportedProtocol", f"HTTP method {method} is not supported; use POST or GET."
            )
        if legacy is not None:
            read = verify_legacy(
                method=method,
                host=headers.get("host", ""),
                path=path,
                pairs=legacy,
                credential=self._credential,
                now=self.config.clock(),
                max_skew_s=self.config.max_skew_s,
            )
            return self._run(record, {**headers, **read.headers}, None, form=True)
        _require_action_and_version(headers)
        if method == "POST":
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                raise ApiError(
                    "UnsupportedProtocol",
                    f"Content-Type `{content_type or '(none)'}` is not supported here: TC3 POST "
                    "requests to TRTC carry application/json.",
                )
        verify_signature(
            method=method,
            headers=headers,
            query=query,
            body=body,
            credential=self._credential,
            now=self.config.clock(),
            max_skew_s=self.config.max_skew_s,
        )
        return self._run(record, headers, bad_body, form=method == "GET")

    def _run(
        self,
        record: RecordedRequest,
        headers: dict[str, str],
        bad_body: ApiError | None,
        *,
        form: bool,
    ) -> dict[str, Any]:
        """After authentication, TC3 or v1 alike: version, action, region, faults, the handler."""
        action = record.action
        _require_action_and_version(headers)
        version = headers["x-tc-version"].strip()
        if version != VERSION:
            raise ApiError(
                "NoSuchVersion",
                f"The specified api version=`{version}` does not exist in service=`{SERVICE}`.",
            )
        spec = ACTIONS.get(action)
        if spec is None:
            raise ApiError("InvalidAction", f"The requested action `{action}` does not exist.")
        site = self.config.site
        check_action(site, action)
        self._check_region_and_language(headers, spec.regions(site), action)
        self._scripted_failure(action)
        key = rate_key(self.config.rate_limit_scope, action, record.params.get("SdkAppId"))
        if self._limiter is not None and (over := self._limiter.admit_call(key, action)):
            raise ApiError("RequestLimitExceeded", limit_message(*over))
        if self.config.error_rate and self._faults.random() < self.config.error_rate:
            raise ApiError("InternalError", _MESSAGES["InternalError"])
        if bad_body is not None:
            raise bad_body
        self.presence.tick()  # comebacks due, even with no callback timeline running
        params = read_params(action, record.params, form=form)
        check_params(site, action, params)
        if self.announcer is None:
            return spec.handler(self.world, params, self.config.seed)
        return self.announcer.around(
            action, params, lambda: spec.handler(self.world, params, self.config.seed)
        )

    @staticmethod
    def _check_region_and_language(
        headers: dict[str, str], regions: frozenset[str], action: str
    ) -> None:
        region = headers.get("x-tc-region", "").strip()
        if not region:
            raise ApiError(
                "MissingParameter", "The request is missing a required parameter `Region`."
            )
        if region not in regions:
            raise ApiError(
                "UnsupportedRegion",
                f"{action} does not support region `{region}`; use one of "
                f"{', '.join(sorted(regions))}.",
            )
        language = headers.get("x-tc-language")
        if language is not None and language.strip() not in LANGUAGES:
            raise ApiError(
                "InvalidParameterValue",
                f"The value `{language}` specified in the parameter `Language` is not valid; "
                "use zh-CN or en-US.",
            )

    def _scripted_failure(self, action: str) -> None:
        queue = self._scripted.get(action)
        if not queue:
            return
        script = queue[0]
        script.remaining -= 1
        if script.remaining == 0:
            queue.popleft()
        if script.code is not None:
            default = _MESSAGES.get(script.code, f"Scripted failure: {script.code}.")
            raise ApiError(script.code, script.message or default)
        status = script.http_status or 200
        body = script.body
        if body is None:
            body = f"<html><body><h1>{status} {HTTPStatus(status).phrase}</h1></body></html>"
        raise _TransportFailure(status, body)


def _require_action_and_version(headers: dict[str, str]) -> None:
    for name, header in (("Action", "x-tc-action"), ("Version", "x-tc-version")):
        if not headers.get(header, "").strip():
            raise ApiError(
                "MissingParameter", f"The request is missing a required parameter `{name}`."
            )
