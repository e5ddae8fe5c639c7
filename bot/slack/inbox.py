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
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.loops import every
from bot.metrics import TAKEOVERS
from bot.slack.adapter import SlackAdapter
from bot.slack.payloads import ButtonPress, HomeOpened, Mention, SlashCommand, bot_user_of, parse
from bot.store.deliveries import Deliveries

log = logging.getLogger(__name__)

ADOPT_EVERY_S = 2.0


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
    incoming = parse(body, bot_user_id)
    if isinstance(incoming, SlashCommand):
        posted = None
        if deliveries is not None and delivery is not None:
            key = delivery

            async def posted(ts: str) -> None:
                if ts != reply_ts:
                    await deliveries.answering_in(key, ts)

        return adapter.command(
            incoming,
            respond=AsyncRespond(response_url=incoming.response_url),
            delivery=delivery,
            parent=reply_ts,
            posted=posted,
        )
    if isinstance(incoming, ButtonPress):
        return adapter.press(incoming, delivery)
    if isinstance(incoming, Mention):
        return adapter.mention(incoming, delivery)
    if isinstance(incoming, HomeOpened):
        return adapter.home_opened(incoming.user)
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


async def adopt(adapter: SlackAdapter, deliveries: Deliveries, now: float) -> int:
    """Take over what dead replicas acknowledged and never finished; how many.
    Never this replica's own: a stale beat of ours means slow work, not a restart."""
    adopted = 0
    instance = adapter.core.services.instance
    # First resolve the operations the dead replica was executing, so that a click
    # it had taken is answered with how that ended rather than "being handled".
    await adapter.core.recover()
    for orphan in await deliveries.orphans(now, mine=instance):
        if not await deliveries.take_over(orphan, owner=instance):
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
    await every(ADOPT_EVERY_S, lambda: adopt(adapter, deliveries, clock()), "Slack inbox adoption")
