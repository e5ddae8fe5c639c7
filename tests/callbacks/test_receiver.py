"""``POST /trtc/callback`` on a real port: what is accepted, what is refused, what remains."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.callbacks import CALLBACK_PATH, MAX_BODY, CallbackService, sign
from bot.core.notice import Notice
from bot.store import Store
from tests.callbacks.conftest import APP, KEY, PLACE, Rig, body
from tests.support.clock import Still


async def nothing_happened(rig: Rig) -> None:
    """No record stored, and nothing posted even once everything is flushed."""
    assert (await rig.counts()).total == 0
    assert await rig.settle() == []


async def test_good_callback_is_acknowledged_stored_and_posted(rig: Rig) -> None:
    """A signed callback gets 200 {"code":0}; its event reaches the watching thread once."""
    await rig.watch()
    status, answer = await rig.post(body(104, "alice", Reason=3, Role=20))
    assert (status, answer) == (200, {"code": 0})
    assert (await rig.counts()).total == 1
    notices = await rig.settle()
    assert len(notices) == 1
    notice = notices[0]
    assert (notice.channel, notice.thread) == (PLACE.channel, PLACE.thread)
    assert notice.reply.headline == f"Room {APP}/1234: alice was removed from the room (kicked)"


async def test_bad_signature_is_401_with_no_side_effect(rig: Rig) -> None:
    """A Sign made with another key, or for another body, is refused 401."""
    await rig.watch()
    data = body(103, "mallory")
    assert (await rig.post(data, signature=sign(data, "someotherkey")))[0] == 401
    assert (await rig.post(data, signature=sign(data + b" ", KEY)))[0] == 401
    await nothing_happened(rig)


async def test_missing_signature_is_401_with_no_side_effect(rig: Rig) -> None:
    """No Sign header (or an empty one) is refused 401: unsigned callbacks are not trusted."""
    await rig.watch()
    status, answer = await rig.post(body(103, "mallory"), signature=None)
    assert status == 401
    assert answer["message"] == "missing Sign"
    assert (await rig.post(body(103, "mallory"), signature=""))[0] == 401
    await nothing_happened(rig)


async def test_stale_replay_is_refused_with_no_side_effect(rig: Rig) -> None:
    """A genuinely signed callback sent again after TRTC's retry horizon is refused 401."""
    await rig.watch()
    old = int(time.time() * 1000) - 10 * 60 * 1000
    status, answer = await rig.post(body(104, "alice", callback_ms=old, Reason=3))
    assert status == 401
    assert "window" in answer["message"]
    ahead = int(time.time() * 1000) + 10 * 60 * 1000
    assert (await rig.post(body(104, "alice", callback_ms=ahead, Reason=3)))[0] == 401
    await nothing_happened(rig)


async def test_retry_within_the_horizon_is_accepted(rig: Rig) -> None:
    """A callback 59 s old (TRTC's last retry) is still accepted."""
    await rig.watch()
    late = int(time.time() * 1000) - 59_000
    assert (await rig.post(body(103, "bob", callback_ms=late)))[0] == 200
    assert (await rig.counts()).total == 1


@pytest.mark.storage
async def test_duplicate_is_acknowledged_but_posted_once(rig: Rig) -> None:
    """The same event delivered twice (a TRTC retry) is answered 200 both times, stored and
    posted once."""
    await rig.watch()
    data = body(104, "alice", Reason=2)
    first, second = await asyncio.gather(rig.post(data), rig.post(data))
    assert first == second == (200, {"code": 0})
    assert (await rig.post(data))[0] == 200
    assert (await rig.counts()).total == 1
    notices = await rig.settle()
    assert len(notices) == 1
    assert notices[0].reply.headline.endswith("alice timed out (connection lost)")


async def test_retry_with_a_new_send_time_is_still_a_duplicate(rig: Rig) -> None:
    """A retry re-sent later (new CallbackTs, other whitespace, new Sign) is the same event."""
    await rig.watch()
    event_ms = int(time.time() * 1000) - 5000
    first = body(103, "carol", event_ms=event_ms, callback_ms=event_ms + 100)
    again = body(103, "carol", event_ms=event_ms, callback_ms=event_ms + 10_100, pretty=False)
    assert (await rig.post(first))[0] == 200
    assert (await rig.post(again))[0] == 200
    assert (await rig.counts()).total == 1
    assert len(await rig.settle()) == 1


@pytest.mark.storage
async def test_duplicate_across_a_restart_is_dropped(rig: Rig, store: Store) -> None:
    """De-duplication is in the database: a second service on it drops the retry too."""
    await rig.watch()
    data = body(104, "dave", Reason=1)
    assert (await rig.post(data))[0] == 200
    await rig.settle()
    notices: list[Notice] = []

    async def notify(notice: Notice) -> None:
        notices.append(notice)

    other = CallbackService(store, KEY, notify, monotonic=Still())
    async with other, other.serve() as url:
        headers = {"Sign": sign(data, KEY), "SdkAppId": str(APP)}
        async with aiohttp.ClientSession() as http, http.post(url, data=data, headers=headers) as r:
            assert r.status == 200
        await other.settle()
    assert notices == []
    assert (await rig.counts()).total == 1


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"not json at all", "not JSON"),
        (b"\xff\xfe{}", "not JSON"),
        (b"[1, 2, 3]", "JSON object"),
        (b'{"EventGroupId": 1, "EventType": 103, "CallbackTs": 1}', "EventInfo"),
        (b'{"EventGroupId": 1, "EventType": "103", "CallbackTs": 1, "EventInfo": {}}', "EventType"),
        (b'{"EventGroupId": 1, "EventType": 103, "EventInfo": {"RoomId": 1}}', "CallbackTs"),
        (b'{"EventGroupId": 1, "EventType": 103, "CallbackTs": 1, "EventInfo": {}}', "RoomId"),
        (
            b'{"EventGroupId": 1, "EventType": 103, "CallbackTs": 1, '
            b'"EventInfo": {"RoomId": true}}',
            "RoomId",
        ),
        (
            b'{"EventGroupId": 1, "EventType": 103, "CallbackTs": 1, '
            b'"EventInfo": {"RoomId": 1, "UserId": 7}}',
            "UserId",
        ),
        (b"[" * 5000 + b"]" * 5000, "JSON"),
    ],
)
async def test_malformed_body_is_400_with_no_side_effect(rig: Rig, data: bytes, why: str) -> None:
    """A correctly signed body that is not a TRTC callback is refused 400, saying why."""
    await rig.watch()
    status, answer = await rig.post(data)
    assert status == 400
    assert why in answer["message"]
    await nothing_happened(rig)


async def test_missing_sdkappid_header_is_400(rig: Rig) -> None:
    """The SdkAppId header TRTC always sends must be there and be a number."""
    assert (await rig.post(body(103), sdkappid=None))[0] == 400
    assert (await rig.post(body(103), sdkappid="abc"))[0] == 400
    await nothing_happened(rig)


async def test_oversized_body_is_413_with_no_side_effect(rig: Rig) -> None:
    """A body over 64 KiB is refused 413 before its signature is even looked at."""
    await rig.watch()
    padding = "x" * (MAX_BODY + 1)
    data = body(103, "alice", Padding=padding)
    assert (await rig.post(data))[0] == 413
    await nothing_happened(rig)


async def test_oversized_chunked_body_is_413(rig: Rig) -> None:
    """Without a Content-Length the limit still holds: reading stops past 64 KiB."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * 16_384

    headers = {"Sign": "whatever", "SdkAppId": str(APP), "Content-Type": "application/json"}
    async with rig.http.post(rig.url, data=chunks(), headers=headers) as response:
        assert response.status == 413
    await nothing_happened(rig)


async def test_only_post_is_served(rig: Rig) -> None:
    """GET on the callback path is 405, not a callback."""
    async with rig.http.get(rig.url) as response:
        assert response.status == 405


async def test_unknown_event_types_are_accepted_and_not_posted(rig: Rig) -> None:
    """An event group/type we do not describe (recording, 14 = AI) is acknowledged, kept quiet."""
    await rig.watch()
    data = json.dumps(
        {
            "EventGroupId": 14,
            "EventType": 1401,
            "CallbackTs": int(time.time() * 1000),
            "EventInfo": {"TaskId": "abc"},
        }
    ).encode()
    assert (await rig.post(data))[0] == 200
    assert (await rig.counts()).total == 1
    assert await rig.settle() == []


async def test_acknowledged_before_it_is_posted(store: Store) -> None:
    """The 200 goes out while posting to the thread is still stuck: processing comes after."""
    gate = asyncio.Event()
    posted: list[Notice] = []

    async def slow_notify(notice: Notice) -> None:
        await gate.wait()
        posted.append(notice)

    service = CallbackService(store, KEY, slow_notify)  # real clocks, real pacing
    async with service, service.serve() as url:
        watch_rig = Rig(service, url, None, store, [], Still())  # type: ignore[arg-type]
        await watch_rig.watch()
        data = body(104, "alice", Reason=3)
        headers = {"Sign": sign(data, KEY), "SdkAppId": str(APP)}
        # Were the answer held until posting, this would wait for the gate: for ever.
        async with (
            aiohttp.ClientSession() as http,
            asyncio.timeout(10),
            http.post(url, data=data, headers=headers) as response,
        ):
            assert response.status == 200
        assert posted == []
        await asyncio.sleep(service.feed.pacing.gather_s + 0.3)  # the feed sends; notify hangs
        assert posted == []
        gate.set()
        await asyncio.sleep(0.05)
    assert len(posted) == 1


async def test_no_key_no_receiver(store: Store) -> None:
    """Without a callback key nothing is mounted or served: unsigned callbacks are never
    trusted (what TRTC sends without a key is undocumented)."""
    service = CallbackService(store, None)
    app = web.Application()
    assert service.add_routes(app) is False
    assert len(app.router.routes()) == 0
    with pytest.raises(ValueError, match="TRTC_CALLBACK_KEY"):
        service.serve()


async def test_mounted_on_another_application(store: Store) -> None:
    """add_routes puts POST /trtc/callback on an existing aiohttp app (the HTTP-mode server)."""
    service = CallbackService(store, KEY, monotonic=Still())
    app = web.Application()
    assert service.add_routes(app) is True
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}{CALLBACK_PATH}"
    try:
        async with service, aiohttp.ClientSession() as http:
            data = body(103, "eve")
            headers = {"Sign": sign(data, KEY), "SdkAppId": str(APP)}
            async with http.post(url, data=data, headers=headers) as response:
                assert response.status == 200
                assert await response.json() == {"code": 0}
    finally:
        await runner.cleanup()


@pytest.mark.storage
async def test_two_replicas_store_and_post_each_event_once(database_url: str) -> None:
    """Two bot replicas (own engines, receivers, relays) on one database: the same callbacks
    delivered to both are stored once, and each event is posted by exactly one of them."""
    stores = [await Store.open(database_url) for _ in range(2)]
    posted: list[Notice] = []

    async def notify(notice: Notice) -> None:
        posted.append(notice)

    services = [CallbackService(s, KEY, notify, monotonic=Still()) for s in stores]
    try:
        rig = Rig(services[0], "", None, stores[0], [], Still())  # type: ignore[arg-type]
        await rig.watch()
        bodies = [body(103, f"user_{n}") for n in range(40)]
        async with (
            services[0],
            services[1],
            services[0].serve() as first,
            services[1].serve() as second,
            aiohttp.ClientSession() as http,
        ):

            async def deliver(url: str, data: bytes) -> int:
                headers = {"Sign": sign(data, KEY), "SdkAppId": str(APP)}
                async with http.post(url, data=data, headers=headers) as response:
                    return response.status

            statuses = await asyncio.gather(
                *(deliver(url, data) for data in bodies for url in (first, second))
            )
            assert set(statuses) == {200}
            await asyncio.gather(*(s.settle() for s in services))
        assert (await rig.counts()).total == 40
        assert sum(s.relay.processed for s in services) == 40
        assert sum(s.feed.tally.events for s in services) == 40
        # "Room …: 23 joined" or, for a lone event, "Room …: user_7 joined".
        counts = [re.fullmatch(r"Room [^:]+: (\d+) joined", n.reply.headline) for n in posted]
        assert sum(int(m.group(1)) if m else 1 for m in counts) == 40
    finally:
        for s in stores:
            await s.close()
