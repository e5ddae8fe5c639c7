"""Acknowledged work survives its replica: what a dead one took, a live one does.

A delivery is known by its key (``delivery_key``), claimed in the store's
inbox (``bot.store.deliveries``) before Slack gets its ack. A payload becomes
work in one place (``work_for``), whether it just arrived
or was taken over from a replica that died after acknowledging it; the work
marks its delivery done when it ends (``done_after``). ``adopt_forever``
looks for deliveries whose owner stopped beating and does them here.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.metrics import TAKEOVERS
from bot.slack.adapter import SlackAdapter
from bot.slack.markup import unescape
from bot.store.deliveries import Deliveries

log = logging.getLogger(__name__)

ADOPT_EVERY_S = 2.0
_LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>")


def delivery_key(body: Mapping[str, Any]) -> str | None:
    """The identity of one delivery, or None for payloads that need no claim."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        container = body.get("container") or {}
        where = container.get("message_ts") or container.get("view_id") or ""
        # Each click has its own trigger_id (and action_ts); a replay repeats both.
        click = body.get("trigger_id") or actions[0].get("action_ts") or ""
        return f"action:{actions[0].get('action_id', '')}:{where}:{click}"[:255]
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"[:255]  # one per typed command
    return None


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """What follows ``@bot`` in a mention; the whole text if the bot is not named."""
    if bot_user_id:
        found = re.search(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", text)
        if found:
            return text[found.end() :]
        return text
    return _LEADING_MENTION.sub("", text)  # who we are is unknown: drop a leading @someone


def work_for(
    adapter: SlackAdapter,
    body: Mapping[str, Any],
    *,
    delivery: str | None,
    bot_user_id: str | None,
    deliveries: Deliveries | None = None,
    reply_ts: str | None = None,
) -> Coroutine[Any, Any, None] | None:
    """What a payload asks the adapter to do; None if it asks nothing.

    With ``deliveries``, where the answer goes is written down as soon as it is
    known; ``reply_ts`` is where a dead replica had started answering."""
    if body.get("command"):
        posted = None
        if deliveries is not None and delivery is not None:
            key = delivery

            async def posted(ts: str) -> None:
                if ts != reply_ts:
                    await deliveries.answering_in(key, ts)

        return adapter.command(
            user=str(body["user_id"]),
            channel=str(body["channel_id"]),
            text=unescape(str(body.get("text") or "")),
            respond=AsyncRespond(response_url=body.get("response_url")),
            delivery=delivery,
            parent=reply_ts,
            posted=posted,
        )
    if body.get("type") == "block_actions":
        return adapter.press(body, delivery)
    event = body.get("event") or {}
    if event.get("type") == "app_mention":
        user = event.get("user")
        if not user or event.get("bot_id"):  # bots do not run commands, people do
            return None
        text = unescape(strip_mention(str(event.get("text") or ""), bot_user_id))
        return adapter.mention(
            user=str(user),
            channel=str(event["channel"]),
            text=text,
            ts=str(event["ts"]),
            thread_ts=event.get("thread_ts"),
            delivery=delivery,
        )
    home = event.get("type") == "app_home_opened" and event.get("tab", "home") == "home"
    if home and event.get("user"):
        return adapter.home_opened(str(event["user"]))
    return None


async def done_after(deliveries: Deliveries, key: str, work: Coroutine[Any, Any, None]) -> None:
    """Do the work, then mark the delivery done — unless we were cancelled mid-way
    (a shutdown past its grace): then it stays open for another replica."""
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("work for Slack delivery %s failed", key)
    await deliveries.finish(key)


def bot_user_of(body: Mapping[str, Any]) -> str | None:
    """The bot's own user id, as an Events API payload names it."""
    for authorization in body.get("authorizations") or ():
        if authorization.get("is_bot") and authorization.get("user_id"):
            return str(authorization["user_id"])
    return None


async def adopt(adapter: SlackAdapter, deliveries: Deliveries, now: float) -> int:
    """Take over what dead replicas acknowledged and never finished; how many."""
    adopted = 0
    # First resolve the operations the dead replica was executing, so that a click
    # it had taken is answered with how that ended rather than "being handled".
    await adapter.core.recover()
    for orphan in await deliveries.orphans(now):
        if not await deliveries.take_over(orphan, owner=adapter.core.services.instance):
            continue  # another replica was quicker
        adopted += 1
        TAKEOVERS.labels(kind="slack_delivery").inc()
        log.warning("taking over Slack delivery %s from %s", orphan.key, orphan.owner)
        work = work_for(
            adapter,
            orphan.body,
            delivery=orphan.key,
            bot_user_id=bot_user_of(orphan.body),
            deliveries=deliveries,
            reply_ts=orphan.reply_ts,
        )
        if work is None:
            await deliveries.finish(orphan.key)
        else:
            adapter.spawn(done_after(deliveries, orphan.key, work))
    return adopted


async def adopt_forever(
    adapter: SlackAdapter, deliveries: Deliveries, clock: Callable[[], float]
) -> None:
    while True:
        try:
            await adopt(adapter, deliveries, clock())
        except Exception:
            log.exception("taking over orphaned Slack deliveries failed")
        await asyncio.sleep(ADOPT_EVERY_S)
