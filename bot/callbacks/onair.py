"""What relay callbacks teach the bot about what is on air (``store.relays``).

The relay (``relay.py``) hands every claimed event here once; the group-4 ones
update their task's row — or create it, for a relay that was on air before the
bot was listening, which is how `relays` and `offair` know of it at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.callbacks.event import CallbackEvent
from bot.callbacks.publish import PUBLISH_GROUP, Publish, words
from bot.store.relays import Relays
from bot.trtc.rooms import RoomRef


class OnAir:
    def __init__(self, relays: Relays) -> None:
        self.relays = relays

    async def learn(self, events: Sequence[CallbackEvent], now: float) -> None:
        for event in events:
            if event.group != PUBLISH_GROUP or event.room is None or event.detail is None:
                continue
            publish = Publish.from_detail(event.detail)
            if publish is None:
                continue
            await self.relays.heard(
                room=RoomRef(event.sdkappid, event.room, event.numeric),
                task_id=publish.task_id,
                url=publish.url,
                robot=event.user_id,
                state=publish.state,
                event=words(publish),
                event_ms=event.event_ms,
                now=now,
            )
