"""`unban <room|*> <user>`: lift a ban now (``*``: every ban of the user in the application).

A ban of every room is not lifted by unbanning one room: the reply says which ban
stands. A ban whose operation has no ban left in force is over: its messages lose
their Undo and say who lifted it.
"""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Param,
    ParamKind,
    Reply,
    Severity,
    code,
    person,
)
from bot.core.notice import Notice
from bot.store import OperationState
from bot.store.tables import Ban
from commands.actions import fixed_action

ACTION = "chatops:Unban"


async def run(ctx: Context, args: Args) -> Reply:
    room, user, actor, now = args.room, args["user"], ctx.invocation.actor, ctx.now
    bans = ctx.services.store.bans
    if room.everywhere:
        found = [b for b in await bans.listing(now, room.sdkappid) if b.user_id == user]
    else:
        found = list(await bans.covering(room.sdkappid, room.room, room.numeric, user, now))
    mine = [b for b in found if room.everywhere or not b.everywhere]
    ended = await bans.end([b.id for b in mine], "unbanned", actor, now)
    standing = [b for b in found if b.id not in ended]
    lines = [
        f"{user} is still banned from every room of application {b.sdkappid} "
        f"(by {person(b.created_by)}); lift it with {code(f'unban * {user}')}."
        for b in standing
    ]
    if not ended:
        return Reply(
            headline=f"{user} is not banned from room {room}; nothing changed.",
            severity=Severity.WARNING,
            lines=tuple(lines) or (f"See {code('bans')} for the bans in force.",),
        )
    for ban in (b for b in mine if b.id in ended):
        await _close(ctx, ban)
    where = "every room" if room.everywhere else f"room {room}"
    return Reply(
        headline=f"Unbanned {user} from {where}",
        severity=Severity.SUCCESS,
        lines=(f"{user} may rejoin now.", *lines),
    )


async def _close(ctx: Context, ban: Ban) -> None:
    """The ban's operation is over once none of its bans is in force: no live Undo."""
    op_id = ban.operation_id
    if op_id is None or await ctx.services.store.bans.active_of(op_id):
        return
    why = f"no longer in force: unbanned by {person(ctx.invocation.actor)}"
    closed = await ctx.services.store.operations.transition(
        op_id,
        [OperationState.SUCCEEDED, OperationState.UNKNOWN],
        OperationState.UNDONE,
        outcome=why,
        decided_by=ctx.invocation.actor,
        decided_at=ctx.now,
    )
    if closed:
        reply = Reply(headline=f"#{op_id} ban of {ban.user_id} is {why}", operation_id=op_id)
        await ctx.tell(Notice(ban.channel, ban.thread, reply))


SPEC = CommandSpec(
    name="unban",
    summary="Lift a ban now (* lifts every ban of the user in the application)",
    example="unban 1234 alice",
    run=run,
    params=(Param("room", ParamKind.ROOM, everywhere=True), Param("user", ParamKind.USER)),
    action=fixed_action(ACTION),
)
