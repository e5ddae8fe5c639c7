"""What is on air: CDN relays and stream ingests the bot started or heard of.

TRTC has no "list the relays of a room" API; TaskIds come from the start call and
from Relay-to-CDN callbacks. So every start and every callback is written here,
one row per task and (masked) URL. Callbacks may arrive out of order: a row keeps
the newest ``event_ms`` it has seen and an older event changes nothing.
``seen_start`` is False when the bot first heard of a task mid-flight (it was on
air before the bot was listening): `relays` then says since when it is known.

Callers pass masked URLs only (``bot.trtc.masking``); nothing here unmasks.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import RelayTask
from bot.trtc.rooms import RoomRef

RELAY, INGEST = "relay", "ingest"
# States in which a task is still on air (relay) or running (ingest).
LIVE_STATES = ("starting", "connecting", "on air", "recovering", "running")
MAX_EVENT = 300


class Relays:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def started(
        self,
        *,
        kind: str,
        room: RoomRef,
        task_id: str,
        url: str,
        robot: str | None,
        by: str,
        state: str,
        now: float,
    ) -> None:
        """The bot started it: a start was seen (whatever callbacks say later)."""
        async with self._sessions.begin() as session:
            session.add(
                RelayTask(
                    sdkappid=room.sdkappid,
                    room=room.room,
                    numeric=room.numeric,
                    kind=kind,
                    task_id=task_id,
                    url=url,
                    robot=robot,
                    state=state,
                    last_event=f"started by {by}"[:MAX_EVENT],
                    event_ms=None,
                    started_by=by,
                    seen_start=True,
                    first_seen_at=now,
                    updated_at=now,
                )
            )

    async def heard(
        self,
        *,
        room: RoomRef,
        task_id: str,
        url: str,
        robot: str | None,
        state: str,
        event: str,
        event_ms: int | None,
        now: float,
    ) -> bool:
        """A relay callback: record it unless a newer one is already recorded.
        True when it changed the row (or made one)."""
        for _ in range(2):  # a concurrent insert of the same row: read it and update
            existing = await self._row(room.sdkappid, RELAY, task_id, url)
            if existing is not None:
                return await self._update(existing, state, event, event_ms, now)
            try:
                async with self._sessions.begin() as session:
                    session.add(
                        RelayTask(
                            sdkappid=room.sdkappid,
                            room=room.room,
                            numeric=room.numeric,
                            kind=RELAY,
                            task_id=task_id,
                            url=url,
                            robot=robot,
                            state=state,
                            last_event=event[:MAX_EVENT],
                            event_ms=event_ms,
                            started_by=None,
                            # Connecting is how a relay begins; anything else is mid-flight.
                            seen_start=state == "connecting",
                            first_seen_at=now,
                            updated_at=now,
                        )
                    )
                return True
            except IntegrityError:
                continue
        return False

    async def _update(
        self, row: RelayTask, state: str, event: str, event_ms: int | None, now: float
    ) -> bool:
        stmt = update(RelayTask).where(RelayTask.id == row.id)
        if event_ms is not None:
            stmt = stmt.where((RelayTask.event_ms.is_(None)) | (RelayTask.event_ms < event_ms))
        values = {"state": state, "last_event": event[:MAX_EVENT], "updated_at": now}
        if event_ms is not None:
            values["event_ms"] = event_ms
        async with self._sessions.begin() as session:
            result = await session.execute(stmt.values(**values))
        return bool(getattr(result, "rowcount", 0))

    async def mark(
        self, kind: str, task_id: str, *, state: str | None, event: str, now: float
    ) -> None:
        """After a stop call: every row of the task (``state`` None: unchanged)."""
        values: dict[str, object] = {"last_event": event[:MAX_EVENT], "updated_at": now}
        if state is not None:
            # A callback sent before this (a late "on air") must not undo it.
            values |= {"state": state, "event_ms": int(now * 1000)}
        stmt = update(RelayTask).where(RelayTask.kind == kind, RelayTask.task_id == task_id)
        async with self._sessions.begin() as session:
            await session.execute(stmt.values(**values))

    async def live(self, room: RoomRef, kind: str) -> list[RelayTask]:
        """On air (relays) or running (ingests) in ``room``, oldest first."""
        stmt = (
            select(RelayTask)
            .where(
                RelayTask.sdkappid == room.sdkappid,
                RelayTask.room == room.room,
                RelayTask.numeric == room.numeric,
                RelayTask.kind == kind,
                RelayTask.state.in_(LIVE_STATES),
            )
            .order_by(RelayTask.first_seen_at, RelayTask.id)
        )
        async with self._sessions() as session:
            return list((await session.scalars(stmt)).all())

    async def live_count(self) -> dict[str, int]:
        """Tasks on air (relays) or running (ingests) now, every room: kind → count."""
        stmt = (
            select(RelayTask.kind, func.count(func.distinct(RelayTask.task_id)))
            .where(RelayTask.state.in_(LIVE_STATES))
            .group_by(RelayTask.kind)
        )
        async with self._sessions() as session:
            return {kind: int(n) for kind, n in (await session.execute(stmt)).all()}

    async def task(self, kind: str, task_id: str) -> Sequence[RelayTask]:
        """Every row of one task (one per URL); empty when the bot never heard of it."""
        stmt = (
            select(RelayTask)
            .where(RelayTask.kind == kind, RelayTask.task_id == task_id)
            .order_by(RelayTask.id)
        )
        async with self._sessions() as session:
            return list((await session.scalars(stmt)).all())

    async def _row(self, sdkappid: int, kind: str, task_id: str, url: str) -> RelayTask | None:
        stmt = select(RelayTask).where(
            RelayTask.sdkappid == sdkappid,
            RelayTask.kind == kind,
            RelayTask.task_id == task_id,
            RelayTask.url == url,
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).first()
