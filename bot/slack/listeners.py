"""The Bolt listeners: acknowledge, hand the payload to the adapter as a task, return.

Each listener acks and returns at once, so the app runs with
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
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.slack.adapter import SlackAdapter
from bot.slack.blocks import section
from bot.slack.inbox import done_after, work_for
from bot.slack.markup import fit, unescape
from bot.slack.payloads import delivery_key
from bot.store.deliveries import Deliveries

COMMAND = "/trtc"
_ANY = re.compile(r".*")


def register(
    app: AsyncApp, adapter: SlackAdapter, deliveries: Deliveries, clock: Callable[[], float]
) -> None:
    instance = adapter.core.services.instance

    async def once(
        body: dict[str, Any], next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        adapter.tasks.arrived()
        key = delivery_key(body)
        if key is not None and not await deliveries.claim(key, clock(), body, owner=instance):
            return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})
        await next_()  # Bolt runs the listener after this middleware returns
        return None

    def take(body: dict[str, Any], context: AsyncBoltContext) -> None:
        key = delivery_key(body)
        work = work_for(
            adapter, body, delivery=key, bot_user_id=context.bot_user_id, deliveries=deliveries
        )
        if key is None:
            if work is not None:
                adapter.tasks.after_ack(work)
        elif work is None:  # nothing to do for it (a bot's message, say)
            adapter.spawn(deliveries.finish(key))
        else:
            adapter.tasks.after_ack(done_after(deliveries, key, work))

    async def on_command(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        text = unescape(str(body.get("text") or ""))
        working = f"⏳ Working on {COMMAND} {text}".rstrip() + "…"
        await ack(text=fit(working, 3000), blocks=[section(working)], response_type="ephemeral")
        take(body, context)

    async def on_event(body: dict[str, Any], context: AsyncBoltContext) -> None:
        take(body, context)

    async def on_action(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        take(body, context)

    app.middleware(once)
    app.command(COMMAND)(on_command)
    app.event("app_mention")(on_event)
    app.event("app_home_opened")(on_event)
    app.action(_ANY)(on_action)
