"""Bans and the rejoins they caught: stored, so every replica keeps the same people out.

A ban ends by one conditional UPDATE (``active`` → ``ended``), so an expiry, an
``unban`` and an Undo racing each other end it once. A rejoin is taken by inserting
its (ban, callback event) pair under a unique constraint: two replicas handed the
same entry — or TRTC's retry of it — insert one row, and only that caller removes
the user. Telling the thread is claimed the same way (``told``), a few rejoins at once.

    active ─► ended (expired | unbanned | replaced | undone)
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.tables import Ban, BanRejoin
from bot.trtc.rooms import EVERY_ROOM

ACTIVE = "active"
ENDED = "ended"
# A rejoin's row is the claim that stops a redelivered callback removing twice; TRTC
# retries for minutes, not days, so a day after its ban ended (or once told) it has done
# its job. The ban keeps the count (``attempts``).
KEEP_REJOINS_S = 24 * 3600.0


def _in_force(now: float) -> ColumnElement[bool]:
    return and_(Ban.state == ACTIVE, or_(Ban.until.is_(None), Ban.until > now))


def _covers(room: str, numeric: bool) -> ColumnElement[bool]:
    """A ban of this very room (numeric 1234 and string "1234" are two rooms), or of all."""
    return or_(Ban.room == EVERY_ROOM, and_(Ban.room == room, Ban.numeric == numeric))


class Bans:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, *, now: float, **values: Any) -> tuple[Ban, list[Ban]]:
        """A new ban, and the ones of the same user and room it replaces (ended here)."""
        ban = Ban(state=ACTIVE, created_at=now, **values)
        same = and_(
            Ban.state == ACTIVE,
            Ban.sdkappid == ban.sdkappid,
            Ban.room == ban.room,
            Ban.numeric == ban.numeric,
            Ban.user_id == ban.user_id,
        )
        async with self._sessions.begin() as session:
            replaced = list((await session.scalars(select(Ban).where(same))).all())
            if replaced:
                await session.execute(
                    update(Ban)
                    .where(Ban.id.in_([b.id for b in replaced]), Ban.state == ACTIVE)
                    .values(
                        state=ENDED, ended_at=now, ended_by=ban.created_by, ended_why="replaced"
                    )
                )
            session.add(ban)
        return ban, replaced

    async def get(self, ban_id: int) -> Ban | None:
        async with self._sessions() as session:
            return await session.get(Ban, ban_id)

    async def in_force(
        self, sdkappids: Iterable[int], users: Iterable[str], now: float
    ) -> Sequence[Ban]:
        """Bans in force for any of these users in any of these applications (one query for
        a batch of callbacks; which room each covers is the caller's to match)."""
        stmt = select(Ban).where(
            _in_force(now), Ban.sdkappid.in_(set(sdkappids)), Ban.user_id.in_(set(users))
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Ban.id))).all()

    async def covering(
        self, sdkappid: int, room: str, numeric: bool, user_id: str, now: float
    ) -> Sequence[Ban]:
        """The bans in force that keep ``user_id`` out of this room (``*`` bans included)."""
        stmt = select(Ban).where(
            _in_force(now), Ban.sdkappid == sdkappid, Ban.user_id == user_id, _covers(room, numeric)
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Ban.id))).all()

    async def listing(
        self, now: float, sdkappid: int | None = None, room: tuple[str, bool] | None = None
    ) -> Sequence[Ban]:
        """Bans in force, of one application and room (with its ``*`` bans) or all."""
        stmt = select(Ban).where(_in_force(now))
        if sdkappid is not None:
            stmt = stmt.where(Ban.sdkappid == sdkappid)
        if room is not None:
            stmt = stmt.where(_covers(*room))
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Ban.id))).all()

    async def count(self, now: float) -> int:
        """Bans in force now, every application."""
        stmt = select(func.count()).select_from(Ban).where(_in_force(now))
        async with self._sessions() as session:
            return int(await session.scalar(stmt) or 0)

    async def active_of(self, operation_id: int) -> Sequence[Ban]:
        stmt = select(Ban).where(Ban.operation_id == operation_id, Ban.state == ACTIVE)
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Ban.id))).all()

    async def due(self, now: float) -> Sequence[Ban]:
        """Bans whose time is up but which nobody has ended yet."""
        stmt = select(Ban).where(Ban.state == ACTIVE, Ban.until.is_not(None), Ban.until <= now)
        async with self._sessions() as session:
            return (await session.scalars(stmt.order_by(Ban.id))).all()

    async def end(self, ban_ids: Iterable[int], why: str, by: str, now: float) -> list[int]:
        """End these bans; the ids this caller ended (another may have ended the rest)."""
        won = []
        async with self._sessions.begin() as session:
            for ban_id in ban_ids:
                result = await session.execute(
                    update(Ban)
                    .where(Ban.id == ban_id, Ban.state == ACTIVE)
                    .values(state=ENDED, ended_at=now, ended_by=by, ended_why=why)
                )
                if getattr(result, "rowcount", 0) == 1:
                    won.append(ban_id)
        return won

    async def take_rejoin(
        self, ban: Ban, event_key: str, room: str, numeric: bool, at: float
    ) -> BanRejoin | None:
        """Claim one entry of a banned user: the row if this caller is the first to see this
        event for this ban, None if someone (a replica, an earlier delivery) already took it."""
        row = BanRejoin(
            ban_id=ban.id,
            event_key=event_key,
            sdkappid=ban.sdkappid,
            room=room,
            numeric=numeric,
            user_id=ban.user_id,
            at=at,
        )
        try:
            async with self._sessions.begin() as session:
                session.add(row)
                await session.flush()
                await session.execute(
                    update(Ban).where(Ban.id == ban.id).values(attempts=Ban.attempts + 1)
                )
        except IntegrityError:
            return None
        return row

    async def settle_rejoin(self, rejoin_id: int, outcome: str, request_id: str | None) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(BanRejoin)
                .where(BanRejoin.id == rejoin_id)
                .values(outcome=outcome, request_id=request_id)
            )

    async def untold(self, before: float) -> dict[int, list[BanRejoin]]:
        """Claim the rejoins to tell now, by ban: every settled, untold rejoin of a ban whose
        oldest untold one came at or before ``before`` (the window gathers a burst)."""
        pending = select(BanRejoin).where(BanRejoin.told.is_(None), BanRejoin.outcome.is_not(None))
        async with self._sessions() as session:
            rows = (await session.scalars(pending.order_by(BanRejoin.id))).all()
        by_ban: dict[int, list[BanRejoin]] = defaultdict(list)
        for row in rows:
            by_ban[row.ban_id].append(row)
        ids = [r.id for group in by_ban.values() if group[0].at <= before for r in group]
        if not ids:
            return {}
        token = secrets.token_hex(16)
        async with self._sessions.begin() as session:
            await session.execute(
                update(BanRejoin)
                .where(BanRejoin.id.in_(ids), BanRejoin.told.is_(None))
                .values(told=token)
            )
            taken = (await session.scalars(select(BanRejoin).where(BanRejoin.told == token))).all()
        claimed: dict[int, list[BanRejoin]] = defaultdict(list)
        for row in sorted(taken, key=lambda r: r.id):
            claimed[row.ban_id].append(row)
        return dict(claimed)

    async def prune(self, now: float) -> int:
        """Forget rejoins a day after their ban ended (or whose ban is gone), and told or
        abandoned ones a day old; how many rows went."""
        old = now - KEEP_REJOINS_S
        over = select(Ban.id).where(Ban.state == ENDED, Ban.ended_at < old)
        alive = select(Ban.id)
        stmt = delete(BanRejoin).where(
            or_(
                BanRejoin.ban_id.in_(over),
                BanRejoin.ban_id.not_in(alive),
                and_(
                    BanRejoin.at < old,
                    or_(BanRejoin.told.is_not(None), BanRejoin.outcome.is_(None)),
                ),
            )
        )
        async with self._sessions.begin() as session:
            result = await session.execute(stmt)
        return int(getattr(result, "rowcount", 0) or 0)
