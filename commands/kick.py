"""`kick <room> <user>… [--reason "…"]`: remove users from a live room."""

from __future__ import annotations

from dataclasses import replace

from bot.core import (
    AUTHORIZE_AS,
    Args,
    BadValue,
    CommandSpec,
    Context,
    Option,
    Param,
    ParamKind,
    Reply,
    Severity,
    TrtcError,
    code,
    present_users,
)
from bot.trtc.models import Removal
from commands.actions import room_action


def _names(users: list[str]) -> str:
    return ", ".join(users)


async def preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    """Refuses when the room is live and none of the users is in it: nothing to do."""
    room, users = args.room, args["users"]
    now = await present_users(ctx, room)
    lines = [
        f"Application {room.sdkappid}, room {room.room} "
        f"({'numeric' if room.numeric else 'string'} id)."
    ]
    targets = users
    if not now.live:
        lines.append("The room does not look live right now; TRTC may answer RoomNotExist.")
    else:
        targets = [u for u in users if u in now.user_ids]
        absent = [u for u in users if u not in now.user_ids]
        if not targets:
            raise BadValue(
                f"{_names(absent)} {'is' if len(absent) == 1 else 'are'} not in room {room} "
                f"now: nobody to remove. Check with {code(f'users {room}')}."
            )
        if absent:
            lines.append(f"Not in the room now, so left alone: {_names(absent)}.")
    if args.get(EVERYONE):
        lines.append(f"This removes all {args[EVERYONE]} users: treated as dismissing the room.")
    lines.append(now.note)
    lines.append(
        f"They can rejoin unless your app stops them; use {code('mute')} to silence instead."
    )
    return f"remove {_names(targets)} from room {room}", lines


async def run(ctx: Context, args: Args) -> Reply:
    """Removes only those in the room when it runs (a live room: they may have left
    since the confirmation); says who was not there."""
    room, users = args.room, args["users"]
    now = await present_users(ctx, room)
    absent = [u for u in users if u not in now.user_ids] if now.live else []
    targets = [u for u in users if u not in absent]
    were = "was" if len(absent) == 1 else "were"
    gone = (f"{_names(absent)} {were} not in the room. {now.note}",) if absent else ()
    if not targets:
        return Reply(
            headline=f"Nobody removed: {_names(absent)} left room {room} before it ran",
            severity=Severity.WARNING,
            lines=(f"Check with {code(f'users {room}')}.", now.note),
            partial=True,  # it ran and changed nothing: not "succeeded"
        )
    removal = await ctx.trtc.remove_users(room.sdkappid, room.api_room, targets)
    if removal.complete:
        return Reply(
            headline=f"Removed {_names(targets)} from room {room}",
            severity=Severity.SUCCESS,
            lines=gone,
            fields=(("RequestId", ", ".join(removal.request_ids)),),
            request_ids=removal.request_ids,
        )
    partial = await _partial(ctx, Args({**args, "users": targets}), removal)
    return replace(partial, lines=(*partial.lines, *gone))


async def _partial(ctx: Context, args: Args, removal: Removal) -> Reply:
    """Some users removed, some not: say who is where, never "failed" for all of them.
    A lost answer is settled by looking at who is still in the room."""
    room = args.room
    removed = list(removal.removed)
    checked: list[str] = []  # answer lost, and no longer in the room
    failed = {user: error.code for user, error in removal.failed.items()}
    unknown = list(removal.unknown)
    if unknown:
        try:
            here: set[str] | None = (await present_users(ctx, room)).user_ids
        except TrtcError:
            here = None
        if here is not None:
            for user in unknown:
                if user in here:
                    failed[user] = f"{removal.unknown[user].code}; still in the room"
                else:
                    checked.append(user)
            removed = [u for u in args["users"] if u in {*removed, *checked}]  # as asked
            unknown = []
    lines = []
    if checked:
        lines.append(
            f"TRTC's answer was lost for {_names(checked)}; checked: no longer in the room."
        )
    if not failed and not unknown:
        return Reply(
            headline=f"Removed {_names(removed)} from room {room}",
            severity=Severity.SUCCESS,
            lines=tuple(lines),
            fields=(("RequestId", ", ".join(removal.request_ids)),),
            request_ids=removal.request_ids,
        )
    if removed:
        lines.append(f"Removed: {_names(removed)}.")
    for user, why in failed.items():
        lines.append(f"Not removed: {user} ({why}).")
    if unknown:
        lines.append(
            f"Unknown: {_names(unknown)} — TRTC's answer was lost and the room could not be "
            f"checked; look with {code(f'users {room}')} before kicking again."
        )
    return Reply(
        headline=f"Removed {len(removed)} of {len(args['users'])} from room {room}",
        severity=Severity.WARNING,
        lines=tuple(lines),
        fields=(("RequestId", ", ".join(removal.request_ids)),),
        request_ids=removal.request_ids,
        partial=True,
    )


async def verify(ctx: Context, args: Args) -> bool | None:
    """After a crash: the kick took effect if none of the users is in the room."""
    here = (await present_users(ctx, args.room)).user_ids
    return not any(user in here for user in args["users"])


EVERYONE = "everyone"  # set by ``weigh``: how many users the kick would remove, all of them


async def weigh(ctx: Context, args: Args) -> Args:
    """A kick of every user in the room is a dismiss in all but name: authorized as one
    (the stricter of both decisions), so the two-person rule cannot be walked around."""
    now = await present_users(ctx, args.room)
    here = now.user_ids
    if not now.live or not here or not here <= set(args["users"]):
        return args
    return Args({**args, AUTHORIZE_AS: room_action("DismissRoom")(args), EVERYONE: len(here)})


SPEC = CommandSpec(
    name="kick",
    summary="Remove users from a room (asks for confirmation)",
    example='kick 1234 alice --reason "spamming the call"',
    run=run,
    preview=preview,
    verify=verify,
    params=(Param("room", ParamKind.ROOM), Param("users", ParamKind.USER, variadic=True)),
    options=(Option("reason", ParamKind.TEXT, metavar='"…"'),),
    action=room_action("RemoveUser"),
    weigh=weigh,
)
