"""`kick <room> <user>… [--reason "…"]`: remove users from a live room."""

from __future__ import annotations

from dataclasses import replace

from bot.core import (
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
    call, present = await present_users(ctx.trtc, room, ctx.now)
    lines = [
        f"Application {room.sdkappid}, room {room.room} "
        f"({'numeric' if room.numeric else 'string'} id)."
    ]
    targets = users
    if call is None:
        lines.append("The room does not look live right now; TRTC may answer RoomNotExist.")
    else:
        here = {u.user_id for u in present}
        targets = [u for u in users if u in here]
        absent = [u for u in users if u not in here]
        if not targets:
            raise BadValue(
                f"{_names(absent)} {'is' if len(absent) == 1 else 'are'} not in room {room} "
                f"now: nobody to remove. Check with {code(f'users {room}')}."
            )
        if absent:
            lines.append(f"Not in the room now, so left alone: {_names(absent)}.")
    lines.append(
        f"They can rejoin unless your app stops them; use {code('mute')} to silence instead."
    )
    return f"remove {_names(targets)} from room {room}", lines


async def run(ctx: Context, args: Args) -> Reply:
    """Removes only those in the room when it runs (a live room: they may have left
    since the confirmation); says who was not there."""
    room, users = args.room, args["users"]
    call, present = await present_users(ctx.trtc, room, ctx.now)
    here = {u.user_id for u in present}
    absent = [u for u in users if u not in here] if call is not None else []
    targets = [u for u in users if u not in absent]
    gone = (f"Not in the room, so not removed: {_names(absent)}.",) if absent else ()
    if not targets:
        return Reply(
            headline=f"Nobody removed: {_names(absent)} left room {room} before it ran",
            severity=Severity.WARNING,
            lines=(f"Check with {code(f'users {room}')}.",),
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
            _, present = await present_users(ctx.trtc, room, ctx.now)
        except TrtcError:
            present = None
        if present is not None:
            here = {u.user_id for u in present}
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
    _, present = await present_users(ctx.trtc, args.room, ctx.now)
    here = {u.user_id for u in present}
    return not any(user in here for user in args["users"])


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
)
