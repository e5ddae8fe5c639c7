"""Everything the bot sends to Slack's Web API, paced the way Slack asks.

``chat.postMessage`` allows about one message per second per channel (short
bursts pass), so posts wait for their channel's pace (``bot.pacing``: shared by
the replicas through the database when the bot is given one).
The client retries what Slack asks to be retried (see ``web_client``): a 429
after its ``Retry-After``, an HTTP 500/503 after a short backoff, a dropped
connection. A call that still fails is logged and reported with Slack's
error, never raised: a lost message must not undo or repeat the TRTC work
already done, and the adapter decides where the message goes instead.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.reply import Attachment
from bot.metrics import SLACK_CALLS
from bot.pacing import LocalPacer, Pace, Pacer
from bot.slack.blocks import Message

log = logging.getLogger(__name__)

AUTH_TTL_S = 60.0
_MAX_CHANNELS = 2048  # idle channels' buckets are forgotten beyond this


def web_client(
    token: str, base_url: str, *, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """A Web API client that reuses one aiohttp session and retries what Slack asks.

    The handlers share one attempt count per call, so a call is sent at most five
    times whatever mix of 429s, 500/503s and resets it meets. An ``ok: false``
    answer (``fatal_error``…) is not retried: Slack may have done part of it."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=4),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code (``not_in_channel``…), or the HTTP status when there is none."""
    data = exc.response.data
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"http_{exc.response.status_code}"


class Outbox:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        posts_per_second: float = 1.0,
        burst: int = 1,
        pacer: Pacer | None = None,
    ) -> None:
        """``pacer``: one pace per channel shared by the replicas (``bot.store.paces``);
        without it this process paces alone at ``posts_per_second``."""
        self.client = client
        self.pacer = pacer or LocalPacer(Pace(posts_per_second, burst), max_keys=_MAX_CHANNELS)
        self._auth: tuple[float, bool] | None = None  # (checked at, accepted)

    async def post(
        self, channel: str, message: Message, *, thread_ts: str | None = None
    ) -> str | None:
        """Post (paced per channel); the new message's ts, or None if Slack refused."""
        ts, _ = await self.try_post(channel, message, thread_ts=thread_ts)
        return ts

    async def try_post(
        self, channel: str, message: Message, *, thread_ts: str | None = None
    ) -> tuple[str | None, str | None]:
        """(ts, None) once posted, or (None, Slack's error: ``not_in_channel``…)."""
        await self.pacer.wait(channel)
        data, error = await self._call(
            "chat.postMessage",
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
        )
        return (str(data["ts"]), None) if data else (None, error)

    async def update(self, channel: str, ts: str, message: Message) -> bool:
        return (await self.try_update(channel, ts, message)) is None

    async def try_update(self, channel: str, ts: str, message: Message) -> str | None:
        """None once edited, or Slack's error (``message_not_found``, ``fatal_error``…)."""
        data, error = await self._call(
            "chat.update", channel=channel, ts=ts, text=message.text, blocks=message.blocks
        )
        return None if data is not None else error or "unknown"

    async def ephemeral(
        self, channel: str, user: str, message: Message, *, thread_ts: str | None = None
    ) -> bool:
        data, _ = await self._call(
            "chat.postEphemeral",
            channel=channel,
            user=user,
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
        )
        return data is not None

    async def publish_home(self, user: str, view: dict[str, Any]) -> bool:
        data, _ = await self._call("views.publish", user_id=user, view=view)
        return data is not None

    async def upload(self, channel: str, thread_ts: str | None, attachment: Attachment) -> bool:
        """``files_upload_v2``: getUploadURLExternal, the upload, completeUploadExternal."""
        try:
            await self.client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                content=attachment.content,
                filename=attachment.filename,
                title=attachment.title,
            )
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("upload of %s to %s failed: %s", attachment.filename, channel, exc)
            return False
        return True

    async def user_info(self, user: str) -> dict[str, Any] | None:
        """``users.info``'s ``user`` object, or None if Slack would not say."""
        data, _ = await self._call("users.info", user=user)
        found = data.get("user") if data is not None else None
        return found if isinstance(found, dict) else None

    async def auth_ok(self) -> bool:
        """Does Slack accept our token? Cached for a minute: readiness probes are frequent."""
        now = time.monotonic()
        if self._auth is not None and now - self._auth[0] < AUTH_TTL_S:
            return self._auth[1]
        data, _ = await self._call("auth.test")
        self._auth = (now, data is not None and bool(data.get("ok")))
        return self._auth[1]

    async def _call(self, method: str, **args: Any) -> tuple[dict[str, Any] | None, str | None]:
        args = {k: v for k, v in args.items() if v is not None}
        try:
            response = await self.client.api_call(method, json=args)
        except SlackApiError as exc:
            error = slack_error(exc)
            log.warning("%s failed: %s", method, error)
            SLACK_CALLS.labels(method=method, result=error).inc()
            return None, error
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("%s failed: %s", method, exc)
            SLACK_CALLS.labels(method=method, result="unreachable").inc()
            return None, "unreachable"
        SLACK_CALLS.labels(method=method, result="ok").inc()
        data = response.data
        return (data, None) if isinstance(data, dict) else (None, "unexpected_response")
