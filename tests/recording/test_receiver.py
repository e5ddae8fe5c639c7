"""Recording callbacks at /trtc/callback: verified, stored once, kept out of the room feed."""

from __future__ import annotations

import json
import time

import aiohttp

from bot.callbacks import CallbackService, sign
from bot.store import Store
from tests.recording.conftest import KEY


def _body(event_type: int, payload: dict[str, object], task: str | None = "task-9.") -> bytes:
    now = int(time.time())
    info: dict[str, object] = {"RoomId": "1234", "EventTs": str(now), "UserId": "bot_recorder"}
    if task is not None:
        info["TaskId"] = task
    info["Payload"] = payload
    data = {"EventGroupId": 3, "EventType": event_type, "CallbackTs": now * 1000, "EventInfo": info}
    return json.dumps(data, indent="\t").encode()


async def test_signed_recording_callback_is_stored_once(database_url: str) -> None:
    """A signed 307 is answered 200 and stored; its retry too, but stored once; a body
    without TaskId is 400; none of them reaches the room-event records."""
    store = await Store.open(database_url)
    service = CallbackService(store, KEY)
    try:
        async with service, service.serve() as url, aiohttp.ClientSession() as http:

            async def post(body: bytes) -> int:
                headers = {"Sign": sign(body, KEY), "SdkAppId": "1400000001"}
                async with http.post(url, data=body, headers=headers) as response:
                    return response.status

            slice_ = _body(307, {"FileName": "x.m3u8", "UserId": "alice", "TrackType": "audio"})
            assert await post(slice_) == 200
            assert await post(slice_) == 200
            assert await post(_body(301, {"Status": 0}, task=None)) == 400
        told = await store.recordings.custody.claim()
        assert [(e.task_id, e.type) for e in told] == [("task-9.", 307)]
        assert (await store.callbacks.counts()).total == 0
    finally:
        await store.close()
