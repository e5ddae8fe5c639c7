"""The live roster: who is in each room, kept from TRTC's room events.

TRTC documents its history APIs as unfit for real-time decisions; its room
callbacks are real time. The callback intake hands every verified room event
here as a ``Move``, and each row changes only for a newer event (by TRTC's event
time), so retries, duplicates across replicas and events arriving out of order
all leave the same state. Rows are shared by every replica through the database.

A room's roster is *complete* once its creation (101) or dismissal (102) has been
seen: from then on every user who is in it entered after we started listening.
Before that it only knows the users whose events it has seen (``bot.core.rooms``
lays them over TRTC's history). Ended rooms and absent users are pruned after
``KEEP_ENDED_S``; any room silent for ``KEEP_S`` too (history answers for it again).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import Base, RosterRoom, RosterUser

_ROOMS = Base.metadata.tables[RosterRoom.__tablename__]
_USERS = Base.metadata.tables[RosterUser.__tablename__]
KEEP_S = 24 * 3600.0
KEEP_ENDED_S = 3600.0


class MoveKind(StrEnum):
    CREATE = "create"
    DISMISS = "dismiss"
    ENTER = "enter"
    EXIT = "exit"


@dataclass(frozen=True, slots=True)
class Move:
    """One room event, as the roster needs it (``at_ms``: TRTC's event time)."""

    kind: MoveKind
    sdkappid: int
    room: str
    numeric: bool
    at_ms: int
    user_id: str | None = None
    terminal: int | None = None
    reason: int | None = None

    @property
    def key(self) -> tuple[int, str, bool]:
        return (self.sdkappid, self.room, self.numeric)


@dataclass(frozen=True, slots=True)
class RoomRoster:
    """What the roster knows of one room."""

    room: RosterRoom
    users: Sequence[RosterUser] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        """Its creation or dismissal was seen: nobody in it is unknown to us."""
        return self.room.created_ms is not None or self.room.ended_ms is not None

    @property
    def present(self) -> list[RosterUser]:
        return [u for u in self.users if u.present]

    @property
    def live(self) -> bool:
        """Someone is in it, or it was created after it last ended."""
        created, ended = self.room.created_ms, self.room.ended_ms
        opened = created is not None and (ended is None or created > ended)
        return opened or bool(self.present)


def _latest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


class Roster:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str) -> None:
        self._sessions = sessions
        self._insert = sqlite.insert if dialect == "sqlite" else postgresql.insert

    async def apply(
        self, moves: Sequence[Move], now: float, *, session: AsyncSession | None = None
    ) -> None:
        """Take the moves in (one transaction: ``session``'s, when given, so the callback
        records and the roster are written together); an older event never undoes a
        newer one."""
        if not moves:
            return
        rooms: dict[tuple[int, str, bool], dict[str, Any]] = {}
        users: dict[tuple[int, str, bool, str], Move] = {}
        for move in moves:
            row = rooms.setdefault(
                move.key,
                {"first_ms": move.at_ms, "last_ms": move.at_ms, "created": None, "ended": None},
            )
            row["first_ms"] = min(row["first_ms"], move.at_ms)
            row["last_ms"] = max(row["last_ms"], move.at_ms)
            if move.kind is MoveKind.CREATE:
                row["created"] = _latest(row["created"], move.at_ms)
            elif move.kind is MoveKind.DISMISS:
                row["ended"] = _latest(row["ended"], move.at_ms)
            elif move.user_id is not None:
                who = (*move.key, move.user_id)
                if who not in users or users[who].at_ms <= move.at_ms:
                    users[who] = move
        room_rows = [
            {
                "sdkappid": key[0],
                "room": key[1],
                "numeric": key[2],
                "created_ms": row["created"],
                "ended_ms": row["ended"],
                "first_ms": row["first_ms"],
                "last_ms": row["last_ms"],
                "seen_at": now,
            }
            for key, row in rooms.items()
        ]
        async with contextlib.AsyncExitStack() as stack:
            if session is None:
                session = await stack.enter_async_context(self._sessions.begin())
            # Core statements run over all rows (executemany): three statements a batch,
            # however many rooms and users it touches.
            conn = await session.connection()
            await conn.execute(self._room_upsert(), room_rows)
            if users:
                await conn.execute(self._user_upsert(), [_user_row(m, now) for m in users.values()])
            emptied = [
                {"k_app": key[0], "k_room": key[1], "k_numeric": key[2], "k_at": at, "k_now": now}
                for key, row in rooms.items()
                for at in (row["created"], row["ended"])
                if at is not None
            ]
            if emptied:
                # A new call, or the end of one: whoever we still had in it has left.
                await conn.execute(_EVERYONE_OUT, emptied)

    def _room_upsert(self) -> Any:
        t = _ROOMS.c
        stmt = self._insert(_ROOMS)
        new = stmt.excluded
        return stmt.on_conflict_do_update(
            index_elements=["sdkappid", "room", "numeric"],
            set_={
                "created_ms": _newer(t.created_ms, new.created_ms),
                "ended_ms": _newer(t.ended_ms, new.ended_ms),
                "first_ms": case((new.first_ms < t.first_ms, new.first_ms), else_=t.first_ms),
                "last_ms": case((new.last_ms > t.last_ms, new.last_ms), else_=t.last_ms),
                "seen_at": new.seen_at,
            },
        )

    def _user_upsert(self) -> Any:
        t = _USERS.c
        stmt = self._insert(_USERS)
        new = stmt.excluded
        return stmt.on_conflict_do_update(
            index_elements=["sdkappid", "room", "numeric", "user_id"],
            set_={
                "present": new.present,
                "at_ms": new.at_ms,
                "joined_ms": case((new.present, new.joined_ms), else_=t.joined_ms),
                "terminal": case((new.terminal.is_(None), t.terminal), else_=new.terminal),
                "reason": new.reason,
                "seen_at": new.seen_at,
            },
            where=new.at_ms > t.at_ms,
        )

    async def room(self, sdkappid: int, room: str, numeric: bool) -> RoomRoster | None:
        """The room's roster; None when no event of it has been seen (or kept)."""
        async with self._sessions() as session:
            found = await session.get(RosterRoom, (sdkappid, room, numeric))
            if found is None:
                return None
            rows = await session.scalars(
                select(RosterUser)
                .where(
                    RosterUser.sdkappid == sdkappid,
                    RosterUser.room == room,
                    RosterUser.numeric == numeric,
                )
                .order_by(RosterUser.joined_ms, RosterUser.user_id)
            )
            return RoomRoster(found, rows.all())

    async def rooms(self, sdkappid: int) -> list[RoomRoster]:
        """Every room of the application the roster knows, with its users (two queries)."""
        async with self._sessions() as session:
            rooms = (
                await session.scalars(select(RosterRoom).where(RosterRoom.sdkappid == sdkappid))
            ).all()
            users = (
                await session.scalars(
                    select(RosterUser)
                    .where(RosterUser.sdkappid == sdkappid)
                    .order_by(RosterUser.joined_ms, RosterUser.user_id)
                )
            ).all()
        by_room: dict[tuple[str, bool], list[RosterUser]] = {}
        for user in users:
            by_room.setdefault((user.room, user.numeric), []).append(user)
        return [RoomRoster(r, tuple(by_room.get((r.room, r.numeric), ()))) for r in rooms]

    async def prune(self, now: float) -> None:
        """Forget absent users and ended rooms after a while, silent rooms after a day."""
        ended = now - KEEP_ENDED_S
        silent = now - KEEP_S
        async with self._sessions.begin() as session:
            await session.execute(
                delete(RosterUser).where(
                    or_(
                        RosterUser.seen_at < silent,
                        and_(RosterUser.present.is_(False), RosterUser.seen_at < ended),
                    )
                )
            )
            room = RosterRoom
            await session.execute(
                delete(room).where(
                    or_(
                        room.seen_at < silent,
                        and_(
                            room.seen_at < ended,
                            room.ended_ms.is_not(None),
                            room.last_ms <= room.ended_ms,
                            or_(room.created_ms.is_(None), room.created_ms <= room.ended_ms),
                        ),
                    )
                )
            )


def _newer(old: Any, new: Any) -> Any:
    return case((and_(new.is_not(None), or_(old.is_(None), new > old)), new), else_=old)


def _user_row(move: Move, now: float) -> dict[str, Any]:
    present = move.kind is MoveKind.ENTER
    return {
        "sdkappid": move.sdkappid,
        "room": move.room,
        "numeric": move.numeric,
        "user_id": move.user_id,
        "present": present,
        "at_ms": move.at_ms,
        "joined_ms": move.at_ms if present else None,
        "terminal": move.terminal,
        "reason": None if present else move.reason,
        "seen_at": now,
    }


_EVERYONE_OUT = (
    update(_USERS)
    .where(
        _USERS.c.sdkappid == bindparam("k_app"),
        _USERS.c.room == bindparam("k_room"),
        _USERS.c.numeric == bindparam("k_numeric"),
        _USERS.c.present.is_(True),
        _USERS.c.at_ms < bindparam("k_at"),
    )
    .values(present=False, at_ms=bindparam("k_at"), seen_at=bindparam("k_now"))
)
