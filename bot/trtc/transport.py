"""One signed TRTC API call on a shared aiohttp session, with pacing and retries.

The typed methods in ``client.py`` are built on :meth:`Transport.call`; nothing
else in the bot sends a TRTC request.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
import stamina
from pydantic import SecretStr

from bot.metrics import TRTC_CALLS, TRTC_SECONDS
from bot.pacing import LocalPacer, Pace, Pacer
from bot.settings import RateLimitScope
from bot.trtc.errors import TrtcApiError, TrtcError, TrtcOutcomeUnknown, TrtcTransportError
from bot.trtc.pacer import ActionPacer, pace_call
from bot.trtc.signing import sign_request

log = logging.getLogger(__name__)

API_VERSION = "2019-07-22"
SERVICE = "trtc"
# A few percent of headroom so that network jitter bunching our evenly spaced
# requests never puts 21 in one of the server's one-second windows.
_LIMITER_HEADROOM = 1.05
# Shared through the database, a reservation's answer reaches replicas after varying
# delays (commit, pool, loop), so neighbouring slots may leave closer than planned:
# more headroom keeps any one-second window under the limit (bench/shared_rate.py).
_SHARED_HEADROOM = 1.10
# Bodies above this are decoded in a worker thread: a multi-MB answer then holds
# the event loop for one C call at a time, not for the whole decode.
_THREAD_BYTES = 256 * 1024

Decode = Callable[[bytes], Any]


# A Prometheus ``labels()`` lookup costs ~5 µs (a lock, label checks); its child is
# kept per action and result code, which are a few dozen strings.
@lru_cache(maxsize=1024)
def _counted(action: str, code: str) -> Any:
    return TRTC_CALLS.labels(action=action, code=code)


@lru_cache(maxsize=256)
def _timed(action: str) -> Any:
    return TRTC_SECONDS.labels(action=action)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where requests go: ``url`` to connect to, ``host`` to send and sign."""

    url: str
    host: str

    @classmethod
    def parse(cls, value: str) -> Endpoint:
        """A bare host means HTTPS to that host; a full URL (a simulator) is used as is."""
        if "://" not in value:
            return cls(url=f"https://{value}/", host=value.lower())
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) endpoint: {value!r}")
        return cls(url=f"{parts.scheme}://{parts.netloc}/", host=parts.netloc.lower())


@dataclass(slots=True)
class Credentials:
    secret_id: str
    secret_key: SecretStr
    token: SecretStr | None = None

    def __repr__(self) -> str:
        return f"Credentials(secret_id={self.secret_id!r}, secret_key=**********)"


# API errors a write may get after TRTC changed the room.
_AFTER_THE_FACT = ("InternalError", "ServiceUnavailable")
RATE_WINDOW_S = 1.0  # TRTC counts calls in one-second windows (per what: see rate_key)


def rate_key(scope: RateLimitScope, action: str, sdkappid: object) -> str:
    """The counter a call is counted on. TRTC documents "20 requests/s for this API"
    without saying per what (UNCONFIRMED); the client paces, and the simulator counts,
    on the same key so that one setting describes both."""
    if scope is RateLimitScope.ACCOUNT:
        return "*"
    if scope is RateLimitScope.SDKAPPID:
        return f"{action}|{sdkappid}"
    return action


def trtc_pace(rate_limit: float, *, shared: bool = False) -> Pace:
    """Burst one: requests leave evenly spaced, a little under the limit, instead of
    in a burst that a sliding one-second window on the server would count twice; and
    never two closer than the limit's own spacing, so no one-second window ever holds
    more than the limit, however late the loop wakes a waiter."""
    headroom = _SHARED_HEADROOM if shared else _LIMITER_HEADROOM
    return Pace(rate_limit / headroom, least=1 / rate_limit)


def is_write(action: str) -> bool:
    """TRTC's reads are all Describe…; anything else changes a room."""
    return not action.startswith("Describe")


def safe_to_resend(exc: TrtcError) -> bool:
    """Errors that came before any change: a write may be sent again after these only.

    A rate-limit refusal is decided before the request is processed; a connection
    that was never made carried nothing. A timeout, a dropped connection, a 5xx or an
    ``InternalError`` may all have followed the change."""
    if isinstance(exc, TrtcApiError):
        return exc.code.startswith("RequestLimitExceeded")
    return isinstance(exc, TrtcTransportError) and not exc.sent


def retry_backoff(exc: Exception) -> bool | float:
    """stamina's backoff hook: whether to retry ``exc``, or how long to wait first.

    A rate limit is per account, shared with every other replica and tool: retrying
    within the same window fails again, so wait the window out, with jitter so that
    replicas refused together do not come back together.
    """
    if isinstance(exc, TrtcApiError) and exc.code.startswith("RequestLimitExceeded"):
        return RATE_WINDOW_S + random.uniform(0, RATE_WINDOW_S / 2)
    return isinstance(exc, TrtcError) and exc.retryable


@dataclass
class Transport:
    credentials: Credentials
    endpoint: Endpoint
    region: str | None = "ap-guangzhou"
    timeout_s: float = 10.0
    rate_limit: float | None = 20.0
    rate_limit_scope: RateLimitScope = RateLimitScope.ACTION
    max_attempts: int = 4
    language: str | None = "en-US"
    clock: Callable[[], float] = time.time
    session: aiohttp.ClientSession | None = None
    # What paces calls per ``rate_key``: this process alone unless one shared by the
    # replicas is given (``bot.store.paces``); None with ``rate_limit`` None.
    pacer: Pacer | None = None
    _owns_session: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.pacer is None and self.rate_limit is not None:
            self.pacer = ActionPacer(self.rate_limit, lambda rate, _: LocalPacer(trtc_pace(rate)))

    def _session(self) -> aiohttp.ClientSession:
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout_s),
                connector=aiohttp.TCPConnector(limit=100, ttl_dns_cache=300),
                raise_for_status=False,
            )
            self._owns_session = True
        return self.session

    async def close(self) -> None:
        if self._owns_session and self.session is not None:
            await self.session.close()
            self.session = None

    async def call(
        self, action: str, params: dict[str, Any], *, decode: Decode = orjson.loads
    ) -> dict[str, Any]:
        """Send one API call and return its ``Response`` object (RequestId included).

        ``decode`` turns the body into the envelope (``orjson.loads`` unless an action
        has a cheaper reader for its bulk). The first attempt runs outside the retry
        machinery, which costs ~30 µs a call; a retryable failure is replayed into
        stamina as its attempt 1, so the back-off schedule is exactly stamina's.
        """
        body = orjson.dumps(params)  # compact UTF-8, ~5x json.dumps: a hot path
        key = rate_key(self.rate_limit_scope, action, params.get("SdkAppId"))
        retry = retry_backoff
        if is_write(action):
            retry = _write_retry
        try:
            return await self._attempt(action, key, body, decode)
        except TrtcError as exc:
            if not retry(exc) or self.max_attempts <= 1:
                raise _settled(action, exc) from None
            first: TrtcError | None = exc
        try:
            return await self._retried(action, key, body, decode, retry, first)
        except TrtcError as exc:
            raise _settled(action, exc) from None

    async def _retried(
        self,
        action: str,
        key: str,
        body: bytes,
        decode: Decode,
        retry: Callable[[Exception], bool | float],
        first: TrtcError | None,
    ) -> dict[str, Any]:
        async for attempt in stamina.retry_context(
            on=retry,
            attempts=self.max_attempts,
            timeout=self.timeout_s * self.max_attempts,
            wait_initial=0.2,
            wait_max=5.0,
            wait_jitter=0.5,
        ):
            with attempt:
                if first is not None:
                    replay, first = first, None
                    raise replay
                return await self._attempt(action, key, body, decode)
        raise AssertionError("unreachable: stamina re-raises the last error")

    async def _attempt(self, action: str, key: str, body: bytes, decode: Decode) -> dict[str, Any]:
        if self.pacer is not None:
            await pace_call(self.pacer, key, action)
        creds = self.credentials
        signed = sign_request(
            secret_id=creds.secret_id,
            secret_key=creds.secret_key.get_secret_value(),
            service=SERVICE,
            host=self.endpoint.host,
            action=action,
            version=API_VERSION,
            region=self.region,
            timestamp=int(self.clock()),
            payload=body,
            token=creds.token.get_secret_value() if creds.token else None,
            language=self.language,
        )
        started = time.perf_counter()
        try:
            response = await self._exchange(action, body, signed.headers, decode)
        except TrtcApiError as exc:
            _counted(action, exc.code).inc()
            raise
        except TrtcTransportError as exc:
            _counted(action, f"http_{exc.status}" if exc.status else "transport").inc()
            raise
        finally:
            _timed(action).observe(time.perf_counter() - started)
        _counted(action, "ok").inc()
        return response

    async def _exchange(
        self, action: str, body: bytes, headers: dict[str, str], decode: Decode
    ) -> dict[str, Any]:
        try:
            async with self._session().post(self.endpoint.url, data=body, headers=headers) as resp:
                raw = await resp.read()
                status = resp.status
        except TimeoutError:
            raise TrtcTransportError(
                f"{action}: no answer from TRTC within {self.timeout_s:g} s", action=action
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise TrtcTransportError(
                f"{action}: cannot connect to TRTC at {self.endpoint.host}: {type(exc).__name__}",
                action=action,
                sent=False,
            ) from None
        except aiohttp.ClientError as exc:
            raise TrtcTransportError(
                f"{action}: cannot reach TRTC at {self.endpoint.host}: {type(exc).__name__}",
                action=action,
            ) from None
        if status != 200:
            raise TrtcTransportError(
                f"{action}: TRTC answered HTTP {status}", action=action, status=status
            )
        if len(raw) > _THREAD_BYTES:
            return await asyncio.to_thread(_unwrap, action, raw, decode)
        return _unwrap(action, raw, decode)


def _write_retry(exc: Exception) -> bool | float:
    """A write is retried only after an error that came before any change."""
    if isinstance(exc, TrtcError) and not safe_to_resend(exc):
        return False
    return retry_backoff(exc)


def _settled(action: str, exc: TrtcError) -> TrtcError:
    """What a caller sees after the last attempt: a write that may have been applied is
    an unknown outcome, never a plain failure."""
    if not is_write(action) or safe_to_resend(exc) or isinstance(exc, TrtcOutcomeUnknown):
        return exc
    if isinstance(exc, TrtcApiError):
        if not exc.code.startswith(_AFTER_THE_FACT):
            return exc  # TRTC answered and refused: nothing was changed
        return TrtcOutcomeUnknown(exc, request_ids=(exc.request_id,) if exc.request_id else ())
    if isinstance(exc, TrtcTransportError) and (exc.status is None or exc.status >= 500):
        return TrtcOutcomeUnknown(exc)  # no answer, or a server error: it may have acted
    return exc  # a 4xx from a proxy: it never reached TRTC


def _unwrap(action: str, raw: bytes, decode: Decode) -> dict[str, Any]:
    try:
        envelope = decode(raw)
        response = envelope["Response"]
    except (ValueError, KeyError, TypeError):
        raise TrtcTransportError(
            f"{action}: TRTC's answer is not a Tencent Cloud API envelope", action=action
        ) from None
    if not isinstance(response, dict):
        raise TrtcTransportError(f"{action}: Response is not an object", action=action)
    error = response.get("Error")
    if error is not None:
        raise TrtcApiError(
            action=action,
            code=str(error.get("Code", "UnknownError")),
            message=str(error.get("Message", "")),
            request_id=response.get("RequestId"),
        )
    return response
