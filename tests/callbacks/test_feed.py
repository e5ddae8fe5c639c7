"""The feed: events in plain words, bursts coalesced, one status message edited in place."""

from __future__ import annotations

import asyncio
import itertools
import time

import aiohttp
import pytest

from bot.callbacks import CallbackEvent, CallbackService, Digest, Feed, Pacing, describe
from bot.callbacks.digest import MAX_LINES, NAMES_SHOWN
from bot.core.notice import Notice
from bot.core.reply import Severity
from bot.store import Store
from bot.store.watches import Place
from tests.callbacks.conftest import APP, KEY, PLACE, Rig, body
from tests.support.clock import Still

ROOM = f"{APP}/1234"
OTHER_PLACE = Place("C0OTHER", "1700000000.000200")


def event(type_: int, user: str | None = "alice", **fields: int) -> CallbackEvent:
    return CallbackEvent(
        sdkappid=APP,
        group=type_ // 100,
        type=type_,
        callback_ms=1_760_000_000_000,
        room="1234",
        numeric=True,
        event_ms=1_760_000_000_000,
        user_id=user,
        role=fields.get("role"),
        reason=fields.get("reason"),
        terminal=fields.get("terminal"),
    )


@pytest.mark.parametrize(
    ("ev", "words"),
    [
        (event(103, role=21, terminal=2, reason=1), "alice joined as audience (Android)"),
        (event(103, role=20, reason=3), "alice joined as anchor again after a timeout"),
        (event(104, reason=1), "alice left"),
        (event(104, reason=2), "alice timed out (connection lost)"),
        (event(104, reason=3), "alice was removed from the room (kicked)"),
        (event(104, reason=4), "alice left (cross-room call cancelled)"),
        (event(104, reason=5), "alice dropped (app process killed)"),
        (event(105, role=20), "alice switched to anchor"),
        (event(105, role=21), "alice switched to audience"),
        (event(101, "host"), "room created by host"),
        (event(102, None), "room dismissed: everyone was removed"),
        (event(202), "alice turned video off"),
        (event(203), "alice turned audio on"),
        (event(205), "alice started screen sharing"),
    ],
)
def test_events_in_plain_words(ev: CallbackEvent, words: str) -> None:
    """Each event type and Reason reads as a plain sentence: who, what, and why."""
    assert describe(ev)[1] == words


def test_user_ids_stay_plain_text() -> None:
    """Mentions, markup and line breaks in a UserId are kept as text on one line (the adapter
    escapes them), and long ids are cut."""
    _, words = describe(event(103, "<!channel> *bold*\n<@U123>"))
    assert words == "<!channel> *bold* <@U123> joined"
    _, long_words = describe(event(103, "x" * 200))
    assert len(long_words) < 80


def _feed(notices: list[Notice], clock: Still, **pacing: float) -> Feed:
    async def notify(notice: Notice) -> None:
        notices.append(notice)

    return Feed(notify, pacing=Pacing(**pacing), monotonic=clock, wall=time.time)


async def test_first_event_waits_for_its_burst_then_posts() -> None:
    """Nothing goes out before gather_s; then one notice covers everything gathered."""
    notices: list[Notice] = []
    clock = Still()
    feed = _feed(notices, clock, gather_s=1.0, window_s=5.0)
    feed.add(PLACE, ROOM, event(104, "alice", reason=3))
    clock.now += 0.5
    feed.add(PLACE, ROOM, event(104, "bob", reason=2))
    assert await feed.flush_due() == 0
    clock.now += 0.6
    assert await feed.flush_due() == 1
    assert len(notices) == 1
    assert notices[0].reply.headline == f"Room {ROOM}: 1 kicked, 1 timed out"
    assert notices[0].reply.severity is Severity.WARNING
    assert feed.tally.posts == 1


async def test_one_notice_per_window_and_the_status_message_is_edited() -> None:
    """Events keep coming: at most one notice per window, all with the first one's key, each
    showing the running total."""
    notices: list[Notice] = []
    clock = Still()
    feed = _feed(notices, clock, gather_s=1.0, window_s=5.0, quiet_s=20.0, episode_max_s=120.0)
    sent_at = []
    for step in range(300):  # 30 s of one join every 100 ms
        feed.add(PLACE, ROOM, event(103, f"u{step:03d}"))
        if await feed.flush_due():
            sent_at.append(clock.now)
        clock.now += 0.1
    await feed.flush_all()
    assert len({n.key for n in notices}) == 1
    assert all(b - a >= 5.0 - 1e-9 for a, b in itertools.pairwise(sent_at))
    assert len(notices) <= 30 / 5 + 2
    assert notices[-1].reply.headline == f"Room {ROOM}: 300 joined"
    assert (feed.tally.posts, feed.tally.edits) == (1, len(notices) - 1)


async def test_quiet_then_news_is_a_new_post() -> None:
    """After quiet_s without events the next event starts a new message (a new key)."""
    notices: list[Notice] = []
    clock = Still()
    feed = _feed(notices, clock, gather_s=0.0, window_s=5.0, quiet_s=20.0)
    feed.add(PLACE, ROOM, event(103, "alice"))
    await feed.flush_due()
    clock.now += 3
    feed.add(PLACE, ROOM, event(103, "bob"))
    clock.now += 2
    await feed.flush_due()  # within the episode: an edit of the same message
    clock.now += 30
    feed.add(PLACE, ROOM, event(104, "alice", reason=3))
    await feed.flush_due()
    assert [n.key for n in notices][:2] == [notices[0].key] * 2
    assert notices[2].key != notices[0].key
    assert notices[2].reply.headline == f"Room {ROOM}: alice was removed from the room (kicked)"
    assert (feed.tally.posts, feed.tally.edits) == (2, 1)


async def test_long_episodes_roll_over_to_a_new_message() -> None:
    """Continuous events start a new message once an episode is episode_max_s old."""
    notices: list[Notice] = []
    clock = Still()
    feed = _feed(notices, clock, gather_s=0.0, window_s=5.0, quiet_s=20.0, episode_max_s=60.0)
    for _ in range(100):  # an event every 2 s for 200 s
        feed.add(PLACE, ROOM, event(103))
        await feed.flush_due()
        clock.now += 2
    keys = list(dict.fromkeys(n.key for n in notices))
    assert 3 <= len(keys) <= 4
    assert feed.tally.posts == len(keys)


async def test_threads_are_paced_separately_and_rooms_share_a_thread() -> None:
    """Two threads get their own messages; two rooms watched in one thread share one."""
    notices: list[Notice] = []
    clock = Still()
    feed = _feed(notices, clock, gather_s=0.0)
    feed.add(PLACE, ROOM, event(103, "alice"))
    feed.add(PLACE, f"{APP}/standup", event(103, "grace"))
    feed.add(OTHER_PLACE, ROOM, event(103, "alice"))
    await feed.flush_due()
    assert len(notices) == 2
    here = next(n for n in notices if n.thread == PLACE.thread)
    assert here.reply.headline == (f"Room {ROOM}: alice joined; Room {APP}/standup: grace joined")


async def test_burst_of_500_joins_is_one_summary(rig: Rig) -> None:
    """500 users joining at once (500 signed callbacks) make one notice: "500 joined",
    ten names and a count of the rest."""
    await rig.watch()
    await rig.watch(place=OTHER_PLACE)
    bodies = [body(103, f"viewer_{n:04d}", Role=21, TerminalType=3) for n in range(500)]
    for start in range(0, 500, 50):
        answers = await asyncio.gather(*(rig.post(b) for b in bodies[start : start + 50]))
        assert {a[0] for a in answers} == {200}
    assert (await rig.counts()).total == 500
    notices = await rig.settle()
    assert len(notices) == 2  # one per watching thread
    assert rig.service.feed.tally.notices == 2
    reply = next(n for n in notices if n.thread == PLACE.thread).reply
    assert reply.headline == f"Room {ROOM}: 500 joined"
    assert len(reply.lines) == 1
    assert reply.lines[0].startswith("Joined (500): viewer_0000, viewer_0001")
    assert reply.lines[0].endswith(f"and {500 - NAMES_SHOWN} more")
    assert reply.severity is Severity.INFO


async def test_burst_in_real_time_is_a_bounded_number_of_edits(store: Store) -> None:
    """With real clocks and pacing, a 500-join burst is one message edited a few times at
    most, ending at the right total."""
    notices: list[Notice] = []

    async def notify(notice: Notice) -> None:
        notices.append(notice)

    pacing = Pacing(gather_s=0.2, window_s=0.5, quiet_s=5.0, tick_s=0.02)
    service = CallbackService(store, KEY, notify, pacing=pacing)
    async with service, service.serve() as url:
        rig = Rig(service, url, None, store, notices, Still())  # type: ignore[arg-type]
        await rig.watch()
        async with aiohttp.ClientSession() as http:
            rig.http = http
            started = time.monotonic()
            for start in range(0, 500, 100):
                await asyncio.gather(
                    *(rig.post(body(103, f"v{n:03d}")) for n in range(start, start + 100))
                )
            took = time.monotonic() - started
        await asyncio.sleep(1.0)
    assert {n.key for n in notices} == {notices[0].key}
    assert len(notices) <= 2 + took / pacing.window_s
    assert notices[-1].reply.headline == f"Room {ROOM}: 500 joined"


def test_a_small_digest_lists_each_event_in_order() -> None:
    """Up to MAX_LINES events are listed one per line, with their time."""
    digest = Digest(ROOM)
    for n in range(MAX_LINES):
        digest.add(event(103, f"u{n}"))
    assert digest.details()[0].endswith("u0 joined")
    assert len(digest.details()) == MAX_LINES
    digest.add(event(104, "u0", reason=3))
    assert digest.details() == [
        "Kicked (1): u0",
        f"Joined ({MAX_LINES}): " + ", ".join(f"u{n}" for n in range(NAMES_SHOWN)) + " and 2 more",
    ]
