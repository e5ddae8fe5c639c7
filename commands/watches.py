"""`watches`: the watches in force in this channel, each with an Unwatch button.

A channel's watches are listed only there, so a private channel's never show
elsewhere. Unwatch runs `unwatch <room> --watch <id>` as whoever presses it,
authorized like `unwatch`.
"""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Reply,
    Table,
    clock_time,
    code,
    person,
    run_action,
)
from commands.actions import fixed_action

MAX_BUTTONS = 20


def _where(thread: str | None, here: str | None) -> str:
    if thread == here:
        return "this thread" if here else "the channel"
    return "another thread" if thread else "the channel"


async def run(ctx: Context, args: Args) -> Reply:
    watches = await ctx.services.store.watches.active_in(ctx.invocation.channel, ctx.now)
    if not watches:
        return Reply(f"No watches in force in this channel. Start one with {code('watch <room>')}.")
    rows = tuple(
        (
            f"#{w.id}",
            str(w.room_ref),
            _where(w.thread, ctx.invocation.thread),
            person(w.created_by),
            clock_time(w.expires_at),
        )
        for w in watches
    )
    buttons = tuple(
        run_action(f"Unwatch #{w.id}", f"unwatch {w.room_ref} --watch {w.id}")
        for w in watches[:MAX_BUTTONS]
        if w.numeric or not w.room.isdigit()  # a digit-only string room cannot be named
    )
    count = f"{len(watches)} {'watch' if len(watches) == 1 else 'watches'}"
    return Reply(
        headline=f"{count} in force in this channel",
        tables=(Table(("Watch", "Room", "Posting in", "Started by", "Ends"), rows),),
        actions=buttons,
    )


SPEC = CommandSpec(
    name="watches",
    summary="List the room watches in force in this channel, each with Unwatch",
    example="watches",
    run=run,
    action=fixed_action("chatops:ListWatches"),
)
