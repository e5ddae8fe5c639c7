"""`ban <room|*> <user>… [--for 1h] [--reason "…"]`: remove users and keep them out.

TRTC has no ban: the bot records one, removes the users now, and removes them again
whenever TRTC's room-entry callback says they are back (``bot/core/bans.py``, actor
``system:ban``). ``*`` bans from every room of the application. Without TRTC event
callbacks nothing tells the bot of a rejoin: the ban says so and how to turn them on,
and still removes them now. The ban's Undo (and ``unban``) lifts it; a timed ban
ends by itself.
"""

from __future__ import annotations

from bot.core import (
    Args,
    CommandSpec,
    Context,
    Option,
    Param,
    ParamKind,
    Reply,
    RoomRef,
    Severity,
    TrtcApiError,
    TrtcError,
    code,
    format_duration,
    person,
    present_users,
    when,
)
from bot.core.actor import is_system
from bot.core.rooms import SEARCH_S, users_of
from commands.actions import fixed_action

ACTION = "chatops:Ban"
MAX_BAN_S = 90 * 86400
ROOM_GONE = "FailedOperation.RoomNotExist"
CALLBACKS_OFF = (
    "Rejoins are not caught: removing someone again when they rejoin needs TRTC event "
    "callbacks. Set TRTC_CALLBACK_KEY to the callback key of the application's room-event "
    "callbacks (TRTC console → the application → Callback settings) and point them at this "
    "bot's /trtc/callback. The ban is recorded and /trtc/banned answers for it meanwhile."
)


def _names(users: list[str]) -> str:
    return ", ".join(users)


def _where(room: RoomRef) -> str:
    return f"every room of application {room.sdkappid}" if room.everywhere else f"room {room}"


def _length(length: int | None) -> str:
    return f"for {format_duration(length)}" if length else f"until {code('unban')}"


async def preview(ctx: Context, args: Args) -> tuple[str, list[str]]:
    room, users, length = args.room, args["users"], args["for"]
    if room.everywhere:
        lines = [
            f"Every room of application {room.sdkappid}: they are removed from every live room "
            "they are in now and from any room they enter while banned.",
        ]
    else:
        lines = [f"Application {room.sdkappid}, room {room.room}."]
        now = await present_users(ctx, room)
        absent = [u for u in users if u not in now.user_ids]
        if not now.live:
            lines.append("The room does not look live right now; the ban holds when it starts.")
        elif absent:
            lines.append(f"Not in the room now: {_names(absent)}.")
        lines.append(now.note)
    for user in users:
        for ban in await ctx.services.store.bans.covering(
            room.sdkappid, room.room, room.numeric, user, ctx.now
        ):
            until = f"until {when(ban.until)}" if ban.until else "until unbanned"
            lines.append(f"{user} is already banned from {_where(ban.room_ref)} {until}.")
    lines.append(
        f"Kept out {_length(length)}: removed again within a second of any rejoin."
        if ctx.services.rejoins_seen
        else CALLBACKS_OFF
    )
    return f"ban {_names(users)} from {_where(room)} {_length(length)}", lines


async def run(ctx: Context, args: Args) -> Reply:
    """Record the bans first (so a rejoin during the removal is already caught), then
    remove the users now; a removal that fails is said, the ban holds regardless."""
    room, users, length = args.room, args["users"], args["for"]
    now, inv = ctx.now, ctx.invocation
    for user in users:
        await ctx.services.store.bans.add(
            now=now,
            sdkappid=room.sdkappid,
            room=room.room,
            numeric=room.numeric,
            user_id=user,
            until=now + length if length else None,
            created_by=inv.actor,
            reason=args.get("reason"),
            channel=inv.channel,
            thread=inv.thread,
            operation_id=ctx.operation_id,
        )
    lines, ids = await (
        _everywhere(ctx, room, users) if room.everywhere else _here(ctx, room, users)
    )
    until = f" until {when(now + length)}" if length else ""
    if not ctx.services.rejoins_seen:
        lines.append(CALLBACKS_OFF)
    return Reply(
        headline=f"Banned {_names(users)} from {_where(room)}{until}",
        severity=Severity.SUCCESS if ctx.services.rejoins_seen else Severity.WARNING,
        lines=tuple(lines),
        fields=(("RequestId", ", ".join(ids)),) if ids else (),
        request_ids=ids,
    )


async def _here(ctx: Context, room: RoomRef, users: list[str]) -> tuple[list[str], tuple[str, ...]]:
    try:
        removal = await ctx.trtc.remove_users(room.sdkappid, room.api_room, users)
    except TrtcApiError as exc:
        if exc.code == ROOM_GONE:
            return ["The room is not live: nobody to remove now."], ()
        return [f"Could not remove them now ({exc.code}); they are removed if they rejoin."], ()
    except TrtcError as exc:
        return [f"Removing them now: TRTC's answer was lost ({exc.code})."], ()
    lines = [] if removal.complete else [f"Not removed now: {_names(list(removal.failed))}."]
    return lines, removal.request_ids


async def _everywhere(
    ctx: Context, app: RoomRef, users: list[str]
) -> tuple[list[str], tuple[str, ...]]:
    """Look for the users in every live room of the application; remove them where found."""
    now, wanted = int(ctx.now), set(users)
    try:
        calls = [c async for c in ctx.trtc.rooms(app.sdkappid, now - SEARCH_S, now)]
        found: list[tuple[RoomRef, list[str]]] = []
        for call in (c for c in calls if not c.is_finished):
            ref = _room_of(app, call.room_string)
            here = [u.user_id for u in await users_of(ctx.trtc, ref, call, now) if not u.finished]
            if hits := [u for u in users if u in here and u in wanted]:
                found.append((ref, hits))
    except TrtcError as exc:
        return [f"Could not look through the live rooms ({exc.code}); removed on rejoin."], ()
    if not found:
        return ["None of them is in a live room now."], ()
    lines, ids = [], list[str]()
    for ref, hits in found:
        more, got = await _here(ctx, ref, hits)
        lines.append(f"Removed {_names(hits)} from room {ref}." if not more else more[0])
        ids.extend(got)
    return lines, tuple(ids)


def _room_of(app: RoomRef, room: str) -> RoomRef:
    """History names a room by its string form: digits are taken for a numeric room."""
    numeric = room.isascii() and room.isdigit() and room[0] != "0"
    return RoomRef(app.sdkappid, room, numeric, app.app_name)


async def lift(ctx: Context, args: Args) -> Reply:
    """Undo (or the ban's time running out, as ``system:ban``): end the bans it made."""
    room, users, actor = args.room, args["users"], ctx.invocation.actor
    bans = ctx.services.store.bans
    if ctx.operation_id is not None:
        await bans.end(
            [b.id for b in await bans.active_of(ctx.operation_id)], "undone", actor, ctx.now
        )
    if is_system(actor):
        return Reply(headline=f"Ban over: {_names(users)} may rejoin {_where(room)}")
    return Reply(
        headline=f"Unbanned {_names(users)} from {_where(room)}",
        severity=Severity.SUCCESS,
        lines=(f"Lifted by {person(actor)}; they may rejoin now.",),
    )


async def verify(ctx: Context, args: Args) -> bool | None:
    """After a crash: the ban took effect once it is recorded (the removal is best effort)."""
    if ctx.operation_id is None:
        return None
    return bool(await ctx.services.store.bans.active_of(ctx.operation_id))


SPEC = CommandSpec(
    name="ban",
    summary="Remove users and keep them out of a room, or of every room with * (confirms)",
    example='ban 1234 alice --for 1h --reason "harassment"',
    run=run,
    preview=preview,
    undo=lift,
    verify=verify,
    params=(
        Param("room", ParamKind.ROOM, everywhere=True),
        Param("users", ParamKind.USER, variadic=True),
    ),
    options=(
        Option(
            "for", ParamKind.DURATION, default=None, minimum=60, maximum=90 * 86400, metavar="1h"
        ),
        Option("reason", ParamKind.TEXT, metavar='"…"'),
    ),
    action=fixed_action(ACTION),
)
