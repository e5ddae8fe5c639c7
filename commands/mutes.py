"""`mutes [room]`: the mutes in force — who, where, what, until when, by whom.

Each row has its Undo: the button of the mute's own operation, so pressing it goes
through the normal press path (authorized for the presser, audited, the mute's
messages edited). A mute whose operation cannot be undone (its answer was lost)
offers `unmute` instead. Without a room, the default application's mutes.
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
    Table,
    code,
    person,
    run_action,
    when,
)
from bot.core.buttons import action_id
from bot.core.reply import Action, ActionKind
from bot.store import Mute, OperationState
from commands.actions import fixed_action
from commands.mute import KINDS, stored_mode

MAX_BUTTONS = 20  # Slack shows at most 25 elements in one actions block


def _label(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


async def _button(ctx: Context, mute: Mute) -> Action | None:
    if mute.operation_id is not None:
        op = await ctx.services.store.operations.get(mute.operation_id)
        if op is not None and op.status is OperationState.SUCCEEDED:
            return Action(
                ActionKind.UNDO,
                action_id(ActionKind.UNDO, op),
                _label(f"Undo #{op.id} ({mute.user_id})"),
            )
    ref = mute.room_ref
    if not ref.numeric and ref.room.isdigit():
        return None  # a digit-only string room cannot be named in a command
    return run_action(_label(f"Unmute {mute.user_id}"), f"unmute {ref} {mute.user_id}")


async def run(ctx: Context, args: Args) -> Reply:
    room = args.get("room")
    app = room.sdkappid if room is not None else ctx.services.grammar.default_app
    if app is None:
        return Reply(
            f"Name a room, e.g. {code('mutes prod/1234')}: no default application is set.",
            Severity.WARNING,
        )
    mutes = await ctx.services.store.mutes.in_force_where(app, room.room if room else None)
    if room is not None:
        mutes = [m for m in mutes if m.room_numeric == room.numeric]
    where = f"room {room}" if room is not None else f"application {app}"
    if not mutes:
        return Reply(f"No mutes in force in {where}.")
    rows = tuple(
        (
            m.user_id,
            str(m.room_ref),
            KINDS[stored_mode(m.mode)],
            when(m.until, seconds=True, now=ctx.now) if m.until else "until unmuted",
            person(m.muted_by),
            f"#{m.operation_id}" if m.operation_id else "",
        )
        for m in mutes
    )
    buttons = [b for m in mutes[:MAX_BUTTONS] if (b := await _button(ctx, m)) is not None]
    lines: tuple[str, ...] = ()
    if len(mutes) > MAX_BUTTONS:
        lines = (f"Buttons for the first {MAX_BUTTONS}; name a room to narrow the list.",)
    return Reply(
        headline=f"{len(mutes)} {'mute' if len(mutes) == 1 else 'mutes'} in force in {where}",
        tables=(Table(("User", "Room", "Blocks", "Until", "By", "Operation"), rows),),
        lines=lines,
        actions=tuple(buttons),
    )


SPEC = CommandSpec(
    name="mutes",
    summary="List the mutes in force (in one room, or the application), each with Undo",
    example="mutes 1234",
    run=run,
    params=(Param("room", ParamKind.ROOM, optional=True),),
    action=fixed_action("chatops:ListMutes"),
)
