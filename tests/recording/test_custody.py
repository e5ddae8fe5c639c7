"""The chain of custody in the database: a retried callback is stored and applied once."""

from __future__ import annotations

import time

import pytest

from bot.store import Store
from bot.store.tables import Recording, RecordingState

pytestmark = pytest.mark.storage


async def test_retried_callback_is_applied_once_and_told_once(database_url: str) -> None:
    """The same 311 twice: one event, one file; claiming it twice hands it out once."""
    store = await Store.open(database_url)
    try:
        rec = await _add(store, "task-1.", time.time())
        vod = {"CacheFile": "a.mp4", "VideoUrl": "https://v/a.mp4", "StartTimeStamp": 1}
        payload = {"Status": 0, "TencentVod": vod}
        custody = store.recordings.custody
        assert await custody.accept("k311", "task-1.", 311, payload, time.time())
        assert not await custody.accept("k311", "task-1.", 311, payload, time.time())
        assert await custody.accept("k302", "task-1.", 302, {"LeaveCode": 0}, time.time())
        files = await store.recordings.files("task-1.")
        assert [(f.name, f.url, f.upload) for f in files] == [
            ("a.mp4", "https://v/a.mp4", "uploaded")
        ]
        fresh = await store.recordings.get(rec.id)
        assert fresh is not None and fresh.status is RecordingState.ENDED
        first, second = await custody.claim(), await custody.claim()
        assert [e.type for e in first] == [311, 302] and second == []
        assert await store.recordings.close_custody(rec.id, time.time())
        assert not await store.recordings.close_custody(rec.id, time.time())
    finally:
        await store.close()


async def test_a_callback_before_the_task_is_stored_is_applied_when_it_is(
    database_url: str,
) -> None:
    """TRTC may call back (301: started) before the bot stores CreateCloudRecording's answer:
    the event is kept, and storing the task applies it."""
    store = await Store.open(database_url)
    try:
        now = time.time()
        assert await store.recordings.custody.accept("k301", "task-2.", 301, {"Status": 0}, now)
        rec = await _add(store, "task-2.", now)
        fresh = await store.recordings.get(rec.id)
        assert fresh is not None and fresh.status is RecordingState.RECORDING
        assert fresh.started_at == now
    finally:
        await store.close()


async def _add(store: Store, task_id: str, now: float) -> Recording:
    """A whole-room recording of room 1234 to VOD, started by the lead, for a minute."""
    return await store.recordings.add(
        task_id=task_id,
        sdkappid=1400000001,
        room="1234",
        room_numeric=True,
        users=[],
        mode="mixed",
        storage="vod",
        storage_where="Tencent VOD",
        robot="bot_recorder",
        requester="U0LEAD",
        channel="C1",
        thread=None,
        request_ids=["r1"],
        created_at=now,
        until=now + 60,
    )
