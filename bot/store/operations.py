"""Operations waiting for a confirmation or an approval, and their atomic transitions.

Exactly-once rests on one rule: a state change is ``UPDATE … WHERE id = ? AND
state IN (…)``, and only the caller whose update touched the row goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import OPERATIONS
from bot.store.replicas import dead_ids
from bot.store.scrub import STILL_TO_RUN, scrubbed
from bot.store.tables import Operation, OperationState


class Operations:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, **values: Any) -> Operation:
        """Store a new operation — or, for a Slack delivery that already made one
        (work redone after a crash), return that one."""
        op = Operation(**values)
        try:
            async with self._sessions.begin() as session:
                session.add(op)
        except IntegrityError:
            if values.get("delivery") is None:
                raise
            async with self._sessions() as session:
                stmt = select(Operation).where(Operation.delivery == values["delivery"])
                return (await session.scalars(stmt)).one()
        return op

    async def get(self, op_id: int) -> Operation | None:
        async with self._sessions() as session:
            return await session.get(Operation, op_id)

    async def transition(
        self,
        op_id: int,
        from_states: Iterable[OperationState],
        to_state: OperationState,
        **values: Any,
    ) -> bool:
        """Move the operation if it is still in one of ``from_states``; True if we did."""
        stmt = (
            update(Operation)
            .where(Operation.id == op_id, Operation.state.in_([s.value for s in from_states]))
            .values(state=to_state.value, **values)
        )
        async with self._sessions.begin() as session:
            result = await session.execute(stmt)
            won = bool(getattr(result, "rowcount", 0) == 1)
            if won and to_state not in STILL_TO_RUN:
                await _scrub(session, op_id)
        if won:
            OPERATIONS.labels(state=to_state.value).inc()
        return won

    async def in_state(self, *states: OperationState, limit: int = 100) -> Sequence[Operation]:
        stmt = (
            select(Operation)
            .where(Operation.state.in_([s.value for s in states]))
            .order_by(Operation.id)
            .limit(limit)
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def stranded(self, before: float, now: float) -> Sequence[Operation]:
        """Operations left ``executing``: since before ``before`` (no run takes that
        long), or by a replica whose heartbeat stopped."""
        stmt = select(Operation).where(
            Operation.state == OperationState.EXECUTING.value,
            or_(Operation.decided_at <= before, Operation.executor.in_(dead_ids(now))),
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()

    async def expire_due(self, now: float) -> list[Operation]:
        """Expire every open operation past its deadline; return the ones we expired."""
        due = await self._open_due(now)
        expired = []
        for op in due:
            if await self.transition(
                op.id,
                [OperationState(op.state)],
                OperationState.EXPIRED,
                decided_at=now,
                outcome="expired",
            ):
                expired.append(op)
        return expired

    async def _open_due(self, now: float) -> Sequence[Operation]:
        stmt = select(Operation).where(
            Operation.state.in_(
                [OperationState.AWAITING_CONFIRM.value, OperationState.PENDING_APPROVAL.value]
            ),
            Operation.expires_at <= now,
        )
        async with self._sessions() as session:
            return (await session.scalars(stmt)).all()


async def _scrub(session: AsyncSession, op_id: int) -> None:
    """Final: the typed URLs in its arguments give way to their masked form."""
    args = await session.scalar(select(Operation.args).where(Operation.id == op_id))
    if args and (clean := scrubbed(args)) != args:
        await session.execute(update(Operation).where(Operation.id == op_id).values(args=clean))
