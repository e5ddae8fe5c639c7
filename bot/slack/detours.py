"""Where a reply goes when the place it belongs refuses it.

The client has already retried what Slack asked to be retried (429, 500/503),
so a refusal that reaches here is one that stays. A result the thread would
not take goes to the person who asked, privately: through the slash
command's ``response_url`` (it works even where the bot may not post), else
``chat.postEphemeral``. The approvals channel's copy of a request is tried
again a few times with growing pauses; meanwhile the requester is told, in
the request's thread, that approvers there have not seen it. Every detour is
put on the record (an ``undelivered`` audit record naming the operation).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackClientError

from bot.core.dispatcher import Core
from bot.core.invocation import Invocation
from bot.core.reply import Reply
from bot.core.values import format_duration
from bot.slack.advice import advice
from bot.slack.blocks import Message, note_message, render
from bot.slack.markup import channel_link
from bot.slack.outbox import Outbox
from bot.store import OperationState
from bot.store.messages import Messages, Shown, Style

log = logging.getLogger(__name__)

Respond = Callable[..., Awaitable[Any]]

# Pauses before each new try of an approvals-channel copy. In-process and
# bounded: most refusals that outlive the client's own retries are a setup
# problem (the bot not invited) that someone fixes within minutes, and the
# request expires after 15 minutes by default anyway. A shutdown drops the
# remaining tries; the requester was told already.
COPY_RETRY_DELAYS_S = (10.0, 60.0, 240.0)


class Detours:
    def __init__(
        self,
        core: Core,
        outbox: Outbox,
        messages: Messages,
        *,
        clock: Callable[[], float],
        copy_retry_delays: Sequence[float] = COPY_RETRY_DELAYS_S,
    ) -> None:
        self.core = core
        self.outbox = outbox
        self.messages = messages
        self._clock = clock
        self.copy_retry_delays = tuple(copy_retry_delays)

    async def privately(
        self,
        reply: Reply,
        pages: Sequence[Message] | None,
        *,
        channel: str,
        thread: str | None,
        who: Invocation,
        respond: Respond | None,
        error: str | None,
    ) -> None:
        """The thread refused ``pages`` (None: the whole reply): give them to ``who``."""
        if pages is None:
            note = f"Only you can see this: I could not post it in the thread. {advice(error)}"
            pages = render(reply, note=note)
        ways = [await self._one(page, channel, thread, who.actor, respond) for page in pages]
        went = sorted({w for w in ways if w is not None})
        missing = ways.count(None)
        where = f"{channel} thread {thread}" if thread else channel
        why = f"{len(pages)} message(s) refused in {where} ({error or 'unknown'}); "
        why += f"given privately via {', '.join(went)}" if went else "not delivered at all"
        if went and missing:
            why += f", {missing} not delivered"
        log.warning("reply for %s undelivered: %s", who.actor, why)
        await self.core.undelivered(who, why, operation_id=reply.operation_id)

    async def _one(
        self, page: Message, channel: str, thread: str | None, user: str, respond: Respond | None
    ) -> str | None:
        if respond is not None and await _responded(respond, page):
            return "response_url"
        if await self.outbox.ephemeral(channel, user, page, thread_ts=thread):
            return "chat.postEphemeral"
        return None

    async def copy_to_approvers(
        self,
        reply: Reply,
        op_id: int,
        *,
        approvals: str,
        channel: str,
        thread: str | None,
        who: Invocation | None,
        spawn: Callable[[Coroutine[Any, Any, None]], None],
    ) -> None:
        """Post the request in the approvals channel; if Slack refuses, tell the thread
        and try again later (``spawn`` runs the tries without holding up the reply)."""
        page = render(reply, note=f"Requested in {channel_link(channel)}")[0]
        ts, error = await self.outbox.try_post(approvals, page)
        if ts is not None:
            await self.messages.add(op_id, Shown(approvals, ts, Style.FULL), now=self._clock())
            return
        label = self.core.services.label
        tries = len(self.copy_retry_delays)
        told = note_message(label, self._not_copied(approvals, error, tries))
        warning = await self.outbox.post(channel, told, thread_ts=thread)
        why = f"approvals copy refused in {approvals} ({error or 'unknown'}); requester told"
        log.warning("operation %s: %s", op_id, why)
        if who is not None:
            await self.core.undelivered(who, why, operation_id=op_id)
        if tries:
            spawn(self._retry_copy(op_id, page, approvals, channel, warning))

    def _not_copied(self, approvals: str, error: str | None, tries: int) -> str:
        again = (
            f" I will try again {tries} more time(s) within "
            f"{format_duration(max(1.0, sum(self.copy_retry_delays)))}."
            if tries
            else ""
        )
        return (
            f"⚠️ I could not post this request in {channel_link(approvals)}, so approvers "
            f"there have not seen it. {advice(error)}{again} Meanwhile, ask an approver "
            "directly: they can press Approve above, or on their App Home."
        )

    async def _retry_copy(
        self, op_id: int, page: Message, approvals: str, channel: str, warning: str | None
    ) -> None:
        error: str | None = None
        for delay in self.copy_retry_delays:
            await asyncio.sleep(delay)
            op = await self.core.services.store.operations.get(op_id)
            if op is None or op.status is not OperationState.PENDING_APPROVAL:
                return  # decided, expired or cancelled meanwhile: no copy needed
            ts, error = await self.outbox.try_post(approvals, page)
            if ts is not None:
                await self.messages.add(op_id, Shown(approvals, ts, Style.FULL), now=self._clock())
                await self._retell(channel, warning, f"✅ Now posted in {channel_link(approvals)}.")
                return
        await self._retell(
            channel,
            warning,
            f"⚠️ I gave up posting this request in {channel_link(approvals)}. "
            f"{advice(error)} Ask an approver directly.",
        )

    async def _retell(self, channel: str, warning: str | None, trusted: str) -> None:
        if warning is not None:
            told = note_message(self.core.services.label, trusted)
            await self.outbox.update(channel, warning, told)


async def _responded(respond: Respond, page: Message) -> bool:
    try:
        response = await respond(text=page.text, blocks=page.blocks, response_type="ephemeral")
    except (SlackClientError, aiohttp.ClientError, TimeoutError, ValueError) as exc:
        log.warning("response_url post failed: %s", exc)
        return False
    status = getattr(response, "status_code", 200)
    if status != 200:
        log.warning("response_url post refused: HTTP %s", status)
    return bool(status == 200)
