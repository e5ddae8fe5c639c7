"""The Bolt listeners: acknowledge, hand the payload to the adapter as a task, return.

Each listener acks and returns at once (a slash command with an empty ack: its
visible parent message is the only acknowledgement), so the app runs with
``process_before_response=True``: Bolt answers as soon as the listener returns,
without its 10 ms polling for ``ack()``, and the slow part (TRTC, posting)
runs afterwards in a task the adapter tracks (``drain`` waits for them), held
back while a burst of requests is still being acknowledged. The ``once``
middleware claims each delivery before any listener sees it: a delivery Slack
already made (an event retry, a replayed click) is answered 200 with
``X-Slack-No-Retry`` and dropped; a new one is recorded, payload and all, so
that if this process dies before finishing it another replica does it
(see ``inbox.py``). A delivery no listener takes (an event type the app does
not subscribe to) stays open until a replica adopts it and finds nothing to do.
When the claim cannot be written (the database is gone or read-only) nothing
is run: the person is told so privately and Slack gets 200 without a retry,
never a 500 and a traceback.

Over HTTP a slash command does not go through Bolt at all: ``register`` returns
``acknowledge``, which the server calls once it has checked the signature and
read the form. Bolt's dispatch (a Web API client, a context and injected
arguments built per request) cost about as much as the rest of the ack, and a
command needs none of it; the claim, the ack and the hand-off are the same
(bench/ack_latency.py). Socket Mode's commands still come through the listener.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.slack.adapter import SlackAdapter
from bot.slack.blocks import Message, section
from bot.slack.inbox import done_after, work_for
from bot.slack.payloads import ButtonPress, Mention, SlashCommand, delivery_key, parse
from bot.store.deliveries import Deliveries

log = logging.getLogger(__name__)

COMMAND = "/trtc"
_ANY = re.compile(r".*")
CANNOT_RECORD = "⚠️ I cannot record this request right now, so nothing was run; try again shortly."
_NO_RETRY: dict[str, str | Sequence[str]] = {"X-Slack-No-Retry": "1"}

# A verified slash command's form, acknowledged without Bolt: Slack's answer.
Acknowledge = Callable[[dict[str, Any]], Awaitable[BoltResponse]]


def register(
    app: AsyncApp, adapter: SlackAdapter, deliveries: Deliveries, clock: Callable[[], float]
) -> Acknowledge:
    instance = adapter.core.services.instance

    async def claimed(body: dict[str, Any], bot_user_id: str | None) -> BoltResponse | None:
        """None when the delivery is new and ours (claimed); else Slack's answer."""
        adapter.tasks.arrived()
        key = delivery_key(body)
        try:
            new = key is None or await deliveries.claim(key, clock(), body, owner=instance)
        except (SQLAlchemyError, OSError) as error:
            return cannot_record(body, bot_user_id, error)
        if not new:
            return BoltResponse(status=200, body="", headers=_NO_RETRY)
        return None

    async def once(
        body: dict[str, Any], context: AsyncBoltContext, next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        answer = await claimed(body, context.bot_user_id)
        if answer is not None:
            return answer
        await next_()  # Bolt runs the listener after this middleware returns
        return None

    async def acknowledge(body: dict[str, Any]) -> BoltResponse:
        """A slash command over HTTP, signature checked: claim, answer, work after."""
        answer = await claimed(body, None)
        if answer is not None:
            return answer
        later(body, None)
        return BoltResponse(status=200, body="")  # empty, as ``on_command`` acks

    def cannot_record(
        body: dict[str, Any], bot_user_id: str | None, error: Exception
    ) -> BoltResponse:
        """Nothing was run: say so to the person, in the answer or privately."""
        log.error("cannot record a Slack delivery, nothing was run: %s", error)
        incoming = parse(body, bot_user_id)
        if isinstance(incoming, SlashCommand):
            answer = {"response_type": "ephemeral", "text": CANNOT_RECORD}
            headers: dict[str, str | Sequence[str]] = {
                "Content-Type": "application/json",
                **_NO_RETRY,
            }
            return BoltResponse(status=200, body=json.dumps(answer), headers=headers)
        if isinstance(incoming, Mention | ButtonPress):
            thread = incoming.thread if isinstance(incoming, Mention) else incoming.thread_ts
            shown = Message(CANNOT_RECORD, [section(CANNOT_RECORD)])
            adapter.spawn(
                adapter.outbox.ephemeral(incoming.channel, incoming.user, shown, thread_ts=thread)
            )
        return BoltResponse(status=200, body="", headers=_NO_RETRY)

    def later(body: dict[str, Any], bot_user_id: str | None) -> None:
        adapter.tasks.after_burst(lambda: take(body, bot_user_id))

    def take(body: dict[str, Any], bot_user_id: str | None) -> None:
        key = delivery_key(body)
        work = work_for(adapter, body, delivery=key, bot_user_id=bot_user_id, deliveries=deliveries)
        user = _user_of(body)
        if key is None:
            if work is not None:
                adapter.tasks.after_ack(work, user=user)
        elif work is None:  # nothing to do for it (a bot's message, say)
            adapter.spawn(deliveries.finish(key))
        else:
            adapter.tasks.after_ack(done_after(deliveries, key, work), user=user)

    async def on_command(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        # Empty: Slack shows nothing for it. The one acknowledgement the person sees is
        # the visible parent the adapter posts ("Working…"), which the result fills.
        await ack()
        later(body, context.bot_user_id)

    async def on_event(body: dict[str, Any], context: AsyncBoltContext) -> None:
        later(body, context.bot_user_id)

    async def on_action(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        later(body, context.bot_user_id)

    app.middleware(once)
    app.command(COMMAND)(on_command)
    app.event("app_mention")(on_event)
    app.event("app_home_opened")(on_event)
    app.action(_ANY)(on_action)
    return acknowledge


def _user_of(body: dict[str, Any]) -> str | None:
    """Who a payload comes from (a command, an event, a click): whose queue it joins."""
    event = body.get("event")
    user = body.get("user_id") or body.get("user") or (event or {}).get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return user if isinstance(user, str) and user else None
