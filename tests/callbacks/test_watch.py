"""`watch` / `unwatch`: stored per thread, authorized as a read, ended by dismissal or time."""

from __future__ import annotations

import aiohttp

from bot.callbacks import CallbackService, sign
from bot.core.invocation import Invocation, Origin
from bot.core.notice import Notice
from bot.core.reply import ActionKind, Severity
from bot.store import Store
from bot.store.watches import ACTIVE, ENDED, Place
from tests.callbacks.conftest import APP, KEY, PLACE, Live, Rig, body
from tests.support.clock import Still
from tests.support.harness import CHANNEL

ROOM = f"{APP}/1234"


def feed_notices(notices: list[Notice]) -> list[Notice]:
    """The feed's own notices (the core's expiries and the like aside)."""
    return [n for n in notices if n.key is not None and n.key.startswith("trtc-watch:")]


async def test_watch_replies_stores_and_is_audited_as_a_read(live: Live) -> None:
    """`watch 1234` answers with what will appear and until when, stores the watch for this
    thread, and is authorized and audited as trtc:DescribeRoomInfo."""
    h = live.harness
    reply = await h.say("oncall", "watch 1234")
    assert reply.severity is Severity.SUCCESS
    assert reply.headline == f"Watching room {ROOM} here"
    assert any("It is live now" in line for line in reply.lines)
    assert any("ends when the room is dismissed" in line for line in reply.lines)
    watches = await h.store.watches.of_place(PLACE)
    assert [(w.room, w.numeric, w.state) for w in watches] == [("1234", True, ACTIVE)]
    assert watches[0].expires_at - watches[0].created_at == 4 * 3600
    record = (await h.store.audit.recent(1))[0]
    assert (record.command, record.action, record.outcome) == (
        "watch",
        "trtc:DescribeRoomInfo",
        "ok",
    )


async def test_watching_again_renews_instead_of_doubling(live: Live) -> None:
    """A second `watch` of the same room in the same thread renews the one watch."""
    h = live.harness
    await h.say("oncall", "watch 1234")
    h.clock.advance(600)
    again = await h.say("oncall", "watch 1234")
    assert again.headline.startswith(f"Already watching room {ROOM} here; renewed")
    watches = await h.store.watches.of_place(PLACE)
    assert len(watches) == 1
    assert watches[0].expires_at == h.clock.now + 4 * 3600


async def test_unwatch_stops_the_feed(live: Live) -> None:
    """After `unwatch`, a kick in that room posts nothing in the thread."""
    h = live.harness
    await h.say("oncall", "watch 1234")
    stopped = await h.say("oncall", "unwatch 1234")
    assert stopped.headline == f"Stopped watching room {ROOM} here."
    confirm = await h.say("oncall", "kick 1234 bob")
    await h.press("oncall", confirm, ActionKind.CONFIRM)
    assert feed_notices(await live.settle()) == []
    again = await h.say("oncall", "unwatch 1234")
    assert again.severity is Severity.WARNING
    assert "not being watched here" in again.headline


async def test_read_only_people_may_watch_and_others_may_not(live: Live) -> None:
    """The viewer (QcloudTRTCReadonlyAccess) may watch; someone with no policy is refused."""
    h = live.harness
    assert (await h.say("viewer", "watch standup")).severity is Severity.SUCCESS
    refused = await h.core.handle(
        Invocation(
            actor="U0NOBODY",
            channel=CHANNEL,
            text="watch 1234",
            origin=Origin.CONSOLE,
            thread="1700000000.000999",
        )
    )
    assert refused.severity is Severity.ERROR
    assert "trtc:DescribeRoomInfo" in refused.headline
    assert len(await h.store.watches.active(h.clock.now)) == 1


async def test_watches_survive_a_restart(live: Live) -> None:
    """A watch made before a restart still routes events: a new Store and a new receiver on
    the same SQLite file post into the thread."""
    h = live.harness
    await h.say("oncall", "watch 1234")
    await h.restart()  # new process: a fresh connection to the same database
    notices: list[Notice] = []

    async def notify(notice: Notice) -> None:
        notices.append(notice)

    service = CallbackService(h.store, KEY, notify, monotonic=Still())
    async with service, service.serve() as url, aiohttp.ClientSession() as http:
        data = body(104, "carol", Reason=2)
        headers = {"Sign": sign(data, KEY), "SdkAppId": str(APP)}
        async with http.post(url, data=data, headers=headers) as response:
            assert response.status == 200
        await service.settle()
    assert [(n.channel, n.thread, n.reply.headline) for n in notices] == [
        (PLACE.channel, PLACE.thread, f"Room {ROOM}: carol timed out (connection lost)")
    ]


async def test_dismissal_ends_the_watch(rig: Rig) -> None:
    """A 102 for the room is posted, ends the watch, and later events stay out of the thread."""
    watch = await rig.watch()
    assert (await rig.post(body(104, "alice", Reason=3)))[0] == 200
    assert (await rig.post(body(102, None, room="1234")))[0] == 200  # a string id, as TRTC shows
    notices = await rig.settle()
    assert len(notices) == 1
    assert notices[0].reply.headline == f"Room {ROOM}: 1 kicked, room dismissed"
    assert notices[0].reply.lines[-1] == "The room is gone, so watching it has ended."
    ended = await rig.store.watches.get(watch.id)
    assert ended is not None
    assert (ended.state, ended.ended_why) == (ENDED, "dismissed")
    assert (await rig.post(body(103, "alice")))[0] == 200
    assert await rig.settle() == notices


async def test_a_string_room_is_not_a_numeric_room(rig: Rig) -> None:
    """Numeric 1234 and string "1234" are different rooms: a join in one is not posted for the
    other's watch."""
    await rig.watch("1234", numeric=True)
    assert (await rig.post(body(103, "zed", room="1234")))[0] == 200
    assert await rig.settle() == []
    await rig.watch("1234", numeric=False, place=Place(CHANNEL, "1700000000.000300"))
    assert (await rig.post(body(103, "amy", room="1234")))[0] == 200
    notices = await rig.settle()
    assert [n.thread for n in notices] == ["1700000000.000300"]


async def test_watch_ends_after_its_time(live: Live) -> None:
    """Past TRTC_CHATOPS_WATCH_TTL_S the watch ends with a message in the thread, and a later
    kick is not posted."""
    h = live.harness
    h.core.services.watch_ttl_s = 60
    reply = await h.say("oncall", "watch 1234")
    assert any("in 1m" in line for line in reply.lines)
    h.clock.advance(61)
    await live.service.relay.housekeeping()
    ended = [n for n in h.notices if n.reply.headline.startswith("Stopped watching")]
    assert [n.reply.headline for n in ended] == [f"Stopped watching room {ROOM}: a watch lasts 1m."]
    assert (ended[0].channel, ended[0].thread) == (PLACE.channel, PLACE.thread)
    confirm = await h.say("oncall", "kick 1234 dave")
    await h.press("oncall", confirm, ActionKind.CONFIRM)
    assert feed_notices(await live.settle()) == []


async def test_ttl_setting_reaches_the_watch(store: Store) -> None:
    """TRTC_CHATOPS_WATCH_TTL_S reaches the core, and a watch started with it lasts that long."""
    from bot.app import create_core
    from bot.core.context import StaticDirectory
    from bot.settings import Settings, TrtcMode
    from bot.trtc.client import TrtcClient

    settings = Settings(_env_file=None, trtc_chatops_watch_ttl_s=900)  # type: ignore[call-arg]
    client = TrtcClient.create(secret_id="x", secret_key="y", endpoint="http://127.0.0.1:9")
    core = create_core(
        settings,
        trtc=client,
        store=store,
        policies=lambda: None,  # type: ignore[arg-type,return-value]
        directory=StaticDirectory({}),
        mode=TrtcMode.REAL,
    )
    await client.close()
    watch, _ = await store.watches.start(
        sdkappid=APP,
        room="1",
        numeric=True,
        place=PLACE,
        by="U1",
        now=1000.0,
        ttl_s=core.services.watch_ttl_s,
    )
    assert watch.expires_at == 1900.0
