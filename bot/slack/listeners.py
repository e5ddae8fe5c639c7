"""The Bolt listeners: acknowledge, hand the payload to the adapter as a task, return.

Each listener acks and returns at once, so the app runs with
``process_before_response=True``: Bolt answers as soon as the listener returns,
without its 10 ms polling for ``ack()``, and the slow part (TRTC, posting)
runs afterwards in a task the adapter tracks (``drain`` waits for them), held
back while a burst of requests is still being acknowledged. The
``once`` middleware drops a delivery Slack already made (an event retry, a
replayed click) before any listener sees it, answering 200 with
``X-Slack-No-Retry`` so Slack stops retrying.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.response import BoltResponse

from bot.slack.adapter import SlackAdapter
from bot.slack.blocks import section
from bot.slack.deliveries import Deliveries, delivery_key
from bot.slack.markup import fit, unescape

COMMAND = "/trtc"
_ANY = re.compile(r".*")


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """What follows ``@bot`` in a mention; the whole text if the bot is not named."""
    if bot_user_id:
        found = re.search(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", text)
        if found:
            return text[found.end() :]
    return text


def register(
    app: AsyncApp, adapter: SlackAdapter, deliveries: Deliveries, clock: Callable[[], float]
) -> None:
    async def once(
        body: dict[str, Any], next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        adapter.tasks.arrived()
        key = delivery_key(body)
        if key is not None and not await deliveries.claim(key, clock()):
            return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})
        await next_()
        return None

    async def on_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        text = unescape(str(command.get("text") or ""))
        working = f"⏳ Working on {COMMAND} {text}".rstrip() + "…"
        await ack(text=fit(working, 3000), blocks=[section(working)], response_type="ephemeral")
        adapter.tasks.after_ack(
            adapter.command(
                user=str(command["user_id"]),
                channel=str(command["channel_id"]),
                text=text,
                respond=respond,
            )
        )

    async def on_mention(event: dict[str, Any], context: AsyncBoltContext) -> None:
        user = event.get("user")
        if not user or event.get("bot_id"):  # bots do not run commands, people do
            return
        text = unescape(strip_mention(str(event.get("text") or ""), context.bot_user_id))
        adapter.tasks.after_ack(
            adapter.mention(
                user=str(user),
                channel=str(event["channel"]),
                text=text,
                ts=str(event["ts"]),
                thread_ts=event.get("thread_ts"),
            )
        )

    async def on_home(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            adapter.tasks.after_ack(adapter.home_opened(str(event["user"])))

    async def on_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        adapter.tasks.after_ack(adapter.press(body))

    app.middleware(once)
    app.command(COMMAND)(on_command)
    app.event("app_mention")(on_mention)
    app.event("app_home_opened")(on_home)
    app.action(_ANY)(on_action)
