"""`users <room> [--filter text] [--page N]`: who is in the room now.

The answer comes from ``present_users``: the live roster (TRTC's room events)
when it covers the call, else TRTC's history; the reply says which, and how fresh.
A 1,000-user webinar is read a page of ``PAGE`` at a time, narrowed by ``--filter``
(any part of the user id, device or SDK version, any case).
"""

from __future__ import annotations

import shlex

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
    Source,
    Table,
    calls_of,
    code,
    format_duration,
    lag_note,
    person,
    present_users,
    when,
)
from bot.trtc.models import UserInformation
from commands.actions import fixed_action

PAGE = 50


async def run(ctx: Context, args: Args) -> Reply:
    room = args.room
    now = await present_users(ctx, room)
    lag = lag_note(ctx.services.history.lag_s) if now.source is Source.HISTORY else ()
    if not now.live:
        # The roster saw it end: say so without asking history; else history tells how.
        if now.source is Source.LIVE:
            ended = await _seen_ending(ctx, room, now.began, now.ended)
        else:
            ended = await _last_ended(ctx, room)
        if ended is not None:
            return Reply(ended, Severity.INFO, lines=(now.note, *lag))
        why = "" if now.source is Source.LIVE else " (no call in the last 24 h)"
        return Reply(
            f"Room {room} is not live{why}.",
            Severity.WARNING,
            lines=(
                f'Check the id with {code("rooms")}; numeric 1234 and string "1234" are different.',
                now.note,
                *lag,
            ),
        )
    everyone = sorted(now.users, key=lambda u: (u.join_ts, u.user_id))
    wanted: str | None = args["filter"]
    users = [u for u in everyone if _matches(u, wanted)] if wanted else everyone
    call = now.call
    if call is not None:
        about = f" (call {call.comm_id}, since {when(call.create_time, seconds=True)})"
    else:
        about = f" (since {when(now.since, seconds=True)})" if now.since else ""
    count = f"{len(users):,} of {len(everyone):,}" if wanted else f"{len(everyone):,}"
    match = f" matching {code(wanted)}" if wanted else ""
    headline = f"{count} in room {room}{match}{about}"
    pages = max(1, -(-len(users) // PAGE))
    page: int = args["page"] or 1
    if page > pages:
        return Reply(
            headline,
            Severity.WARNING,
            lines=(f"There is no page {page}: the list has {_pages(pages)}.", now.note, *lag),
        )
    shown = users[(page - 1) * PAGE : page * PAGE]
    rows = tuple(
        (u.user_id, when(u.join_ts, seconds=True), u.device_type or "?", u.sdk_version or "?")
        for u in shown
    )
    return Reply(
        headline=headline,
        tables=(Table(("User", "Joined", "Device", "SDK"), rows),) if rows else (),
        lines=(*_paging(args, page, pages), now.note, *lag),
    )


def _matches(user: UserInformation, wanted: str) -> bool:
    text = wanted.casefold()
    fields = (user.user_id, user.device_type or "", user.sdk_version or "")
    return any(text in field.casefold() for field in fields)


def _pages(count: int) -> str:
    return "1 page" if count == 1 else f"{count} pages"


def _paging(args: Args, page: int, pages: int) -> tuple[str, ...]:
    """Where this page sits, and the command for the next one (same room and filter)."""
    if pages == 1:
        return ()
    parts = ["users", args.room.room if " " not in args.room.room else f'"{args.room.room}"']
    if args["filter"]:
        parts += ["--filter", shlex.quote(args["filter"])]
    if page < pages:
        return (
            f"Page {page} of {pages}; next: {code(' '.join([*parts, '--page', str(page + 1)]))}",
        )
    return (f"Page {page} of {pages} (the last).",)


SPEC = CommandSpec(
    name="users",
    summary="List who is in a room now",
    example="users 8888 --filter ios --page 2",
    run=run,
    params=(Param("room", ParamKind.ROOM),),
    options=(
        Option("filter", ParamKind.TEXT, metavar="text"),
        Option("page", ParamKind.COUNT, minimum=1, maximum=10_000, metavar="N"),
    ),
    action=fixed_action("trtc:DescribeUserInfo"),
)


async def _last_ended(ctx: Context, room: RoomRef) -> str | None:
    """The room's latest call, ended: when, after how long, and how (a dismiss we ran,
    else everyone left); None when there was no call in the window."""
    calls = [c for c in await calls_of(ctx.trtc, room, ctx.now) if c.is_finished]
    if not calls:
        return None
    last = calls[0]
    ago = format_duration(max(0, ctx.now - last.destroy_time))
    how = await _dismissed_by(ctx, room, last.create_time, last.destroy_time)
    return (
        f"Room {room} is not live: its last call ({last.comm_id}) ended at "
        f"{when(last.destroy_time)}, {ago} ago, after "
        f"{format_duration(last.destroy_time - last.create_time)}; {how}."
    )


async def _seen_ending(
    ctx: Context, room: RoomRef, began: int | None, ended: int | None
) -> str | None:
    """The call's end as TRTC's room events told it (no history read)."""
    if ended is None:
        return None
    ago = format_duration(max(0, ctx.now - ended))
    lasted = f", after {format_duration(ended - began)}" if began is not None else ""
    how = await _dismissed_by(ctx, room, began if began is not None else ended - 86400, ended)
    return (
        f"Room {room} is not live: its last call ended at {when(ended)}, {ago} ago{lasted}; {how}."
    )


async def _dismissed_by(ctx: Context, room: RoomRef, start: float, end: float) -> str:
    for record in await ctx.services.store.audit.recent(_LOOK_BACK):
        if record.command != "dismiss" or not record.outcome.endswith("succeeded"):
            continue
        if not start <= record.at <= end + _SLACK_S or record.operation_id is None:
            continue
        op = await ctx.services.store.operations.get(record.operation_id)
        ref = op.args.get("room") if op is not None else None
        if op is not None and isinstance(ref, dict) and RoomRef.from_json(ref).room == room.room:
            return f"dismissed through the bot (#{op.id}, asked by {person(op.requester)})"
    return "everyone left (no dismiss of ours)"


_LOOK_BACK = 200  # audit records searched for the dismiss that ended a call
_SLACK_S = 120  # TRTC may record the end a little after our dismiss answered
