"""End to end: `watch` in a thread → a command through the core → the simulator's own signed
callback → the receiver → one message in that thread."""

from __future__ import annotations

from bot.core.reply import ActionKind, Severity
from bot.store.watches import ENDED
from tests.callbacks.conftest import APP, PLACE, Live
from tests.callbacks.test_watch import feed_notices

ROOM = f"{APP}/1234"


async def test_kick_through_the_bot_is_posted_in_the_watching_thread(live: Live) -> None:
    """watch 1234, kick alice (confirmed): the simulator's 104 (Reason 3) arrives signed and
    becomes exactly one notice in that thread naming alice as kicked."""
    h = live.harness
    await h.say("oncall", "watch 1234")
    confirm = await h.say("oncall", "kick 1234 alice")
    done = await h.press("oncall", confirm, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS
    notices = feed_notices(await live.settle())
    assert len(notices) == 1
    notice = notices[0]
    assert (notice.channel, notice.thread) == (PLACE.channel, PLACE.thread)
    assert notice.reply.headline == f"Room {ROOM}: alice was removed from the room (kicked)"
    assert notice.reply.label == "SIMULATOR"
    sent = list(h.sim.simulator.announcer.sender.deliveries)  # type: ignore[union-attr]
    assert [(d.event["EventType"], d.event["EventInfo"]["Reason"]) for d in sent] == [(104, 3)]
    assert all(d.delivered for d in sent)


async def test_dismiss_through_the_bot_ends_the_watch(live: Live) -> None:
    """An approved dismiss sends 104 for everyone present, then 102: one summary in the thread,
    and the watch is over."""
    h = live.harness
    await h.say("oncall", "watch 1234")
    present = h.present(1234)
    request = await h.say("oncall", "dismiss 1234")
    approved = await h.press("lead", request, ActionKind.APPROVE)
    assert approved.severity is Severity.SUCCESS
    notices = feed_notices(await live.settle())
    assert len(notices) == 1
    reply = notices[0].reply
    assert reply.headline == f"Room {ROOM}: {len(present)} kicked, room dismissed"
    assert all(any(user in line for line in reply.lines) for user in present)
    watches = await h.store.watches.of_place(PLACE)
    assert [w.state for w in watches] == [ENDED]
    assert watches[0].ended_why == "dismissed"


async def test_other_rooms_and_threads_stay_quiet(live: Live) -> None:
    """A kick in a room nobody watches posts nothing anywhere."""
    h = live.harness
    await h.say("oncall", "watch standup")
    confirm = await h.say("oncall", "kick 1234 bob")
    await h.press("oncall", confirm, ActionKind.CONFIRM)
    assert feed_notices(await live.settle()) == []
    assert (await live.service.relay.records.counts()).total == 1
