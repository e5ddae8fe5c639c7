"""Every command end to end through the core against the simulator."""

from __future__ import annotations

import pytest

from bot.core.reply import ActionKind, Severity
from bot.store import OperationState
from tests.support.harness import Harness


def text(reply: object) -> str:
    """Everything a person would read in a reply, as one string."""
    from bot.core.markup import plain
    from bot.core.reply import Reply

    assert isinstance(reply, Reply)
    parts = [reply.headline, *reply.lines, *(f"{k}: {v}" for k, v in reply.fields)]
    for table in reply.tables:
        parts.extend(" | ".join(row) for row in (table.columns, *table.rows))
    return plain("\n".join(parts), quote="`")  # people by id, code in backticks


async def test_read_commands(harness: Harness) -> None:
    """rooms, users, events, scale, whoami, can, approvals, audit, help all answer."""
    rooms = await harness.say("oncall", "rooms --since 1h")
    assert "1234" in text(rooms) and "standup" in text(rooms)
    users = await harness.say("oncall", "users 1234")
    assert {"alice", "bob", "carol"} <= set(text(users).split())
    events = await harness.say("oncall", "events 1234 dave")
    assert "network" in text(events).lower()
    scale = await harness.say("oncall", "scale --days 3")
    assert scale.severity is Severity.INFO and scale.tables
    whoami = await harness.say("oncall", "whoami")
    assert "U0ONCALL" in whoami.headline and "oncall" in text(whoami)
    can = await harness.say("oncall", "can <@U0VIEWER> kick 1234")
    assert "may not" in can.headline and "implicit" in text(can)
    assert "No approvals" in (await harness.say("oncall", "approvals")).headline
    audit = await harness.say("lead", "audit 20")
    assert "users 1234" in text(audit)
    assert harness.mutations() == []
    for reply in (rooms, users, events, scale, whoami, can):
        assert reply.label == "SIMULATOR"


async def test_help_lists_only_what_you_may_run(harness: Harness) -> None:
    """The viewer's help has no kick; the on-call's marks dismiss as needing approval."""
    viewer = text(await harness.say("viewer", "help"))
    assert "kick <room>" not in viewer and "users <room>" in viewer
    oncall = text(await harness.say("oncall", "help"))
    assert "kick <room>" in oncall
    assert "dismiss <room> [--reason" in oncall and "needs approval" in oncall


async def test_kick_changes_nothing_until_confirmed(harness: Harness) -> None:
    """kick asks first; only Confirm removes the user, once."""
    reply = await harness.say("oncall", 'kick 1234 alice --reason "spam"')
    assert reply.severity is Severity.WARNING and "remove alice from room" in reply.headline
    assert {a.kind for a in reply.actions} == {ActionKind.CONFIRM, ActionKind.CANCEL}
    assert harness.mutations() == [] and "alice" in harness.present(1234)
    done = await harness.press("oncall", reply, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS and done.request_ids
    assert "alice" not in harness.present(1234)
    again = await harness.press("oncall", reply, ActionKind.CONFIRM)
    assert again.private and "already" in again.headline
    assert harness.mutations() == ["RemoveUser"]


async def test_string_room_uses_string_variant(harness: Harness) -> None:
    """A string room is kicked through RemoveUserByStrRoomId."""
    reply = await harness.say("oncall", "kick standup grace")
    await harness.press("oncall", reply, ActionKind.CONFIRM)
    assert harness.mutations() == ["RemoveUserByStrRoomId"]
    assert "grace" not in harness.present("standup")


async def test_only_the_invoker_confirms(harness: Harness) -> None:
    """Someone else's Confirm is refused privately and changes nothing."""
    reply = await harness.say("oncall", "kick 1234 bob")
    other = await harness.press("lead", reply, ActionKind.CONFIRM)
    assert other.private and "Only U0ONCALL" in text(other)
    assert harness.mutations() == []


async def test_cancel_and_expiry(harness: Harness) -> None:
    """Cancel closes a confirmation; a confirmation pressed after 2 minutes has expired."""
    cancelled = await harness.say("oncall", "kick 1234 bob")
    closed = await harness.press("oncall", cancelled, ActionKind.CANCEL)
    assert "cancelled" in closed.headline
    late = await harness.say("oncall", "kick 1234 carol")
    harness.clock.advance(121)
    expired = await harness.press("oncall", late, ActionKind.CONFIRM)
    assert "expired" in expired.headline
    assert harness.mutations() == []
    op = await harness.store.operations.get(late.operation_id or 0)
    assert op is not None and op.state == OperationState.EXPIRED


async def test_dismiss_states_blast_radius(harness: Harness) -> None:
    """The dismiss request says how many users are in the room now."""
    reply = await harness.say("lead", "dismiss standup")
    assert "disconnecting 4 users" in reply.headline
    assert "grace" in text(reply)


async def test_denied_changes_nothing_and_names_statement(harness: Harness) -> None:
    """The viewer may not kick: the reply names why, TRTC is untouched, the audit has it."""
    reply = await harness.say("viewer", "kick 1234 alice")
    assert reply.severity is Severity.ERROR and not reply.actions
    assert "implicit_deny" in text(reply)
    webinar = await harness.say("oncall", "kick 8888 viewer_0001")
    assert "policy 'oncall' statement[2]" in text(webinar)
    assert harness.mutations() == []
    records = await harness.store.audit.recent(2)
    assert [r.outcome for r in records] == ["denied", "denied"]
    assert records[0].policy == "oncall" and records[0].statement == 2


async def test_trtc_error_is_shown_with_code_and_request_id(harness: Harness) -> None:
    """A TRTC failure shows Code, Message, RequestId and what to do."""
    reply = await harness.say("oncall", "kick 424242 alice")
    failed = await harness.press("oncall", reply, ActionKind.CONFIRM)
    body = text(failed)
    assert "FailedOperation.RoomNotExist" in body and "RequestId:" in body
    assert "rooms" in body  # the hint
    op = await harness.store.operations.get(reply.operation_id or 0)
    assert op is not None and op.state == OperationState.FAILED
    assert op.error_code == "FailedOperation.RoomNotExist"


@pytest.mark.parametrize("line", ["kick 1234 alice", "dismiss standup"])
async def test_trtc_error_in_the_preview_is_shown_with_its_code(
    harness: Harness, line: str
) -> None:
    """The confirmation (or approval request) reads TRTC first; when TRTC refuses, the
    user sees TRTC's code and hint, not "something went wrong", and nothing is pending."""
    harness.sim.simulator.fail_next("DescribeRoomInfo", "RequestLimitExceeded", times=4)
    reply = await harness.say("oncall", line)
    body = text(reply)
    assert reply.severity is Severity.ERROR and reply.reference is None
    assert "Code: RequestLimitExceeded" in body and "RequestId:" in body
    assert "wait a few seconds" in body  # the hint
    assert await harness.store.operations.in_state(*OperationState) == []
    [record] = await harness.store.audit.recent(1)
    assert (record.outcome, record.error_code) == ("failed", "RequestLimitExceeded")


async def test_named_application(harness: Harness) -> None:
    """app/room reaches another application's room, by configured name or SdkAppId."""
    for room in ("staging/1234", "1400000002/1234"):
        reply = await harness.say("viewer", f"users {room}")
        assert {"zoe", "yan", "xena"} <= set(text(reply).split())
    # The on-call policy changes application 1400000001 only; staging it only reads.
    denied = await harness.say("oncall", "kick staging/1234 zoe")
    assert denied.severity is Severity.ERROR and "sdkappid/1400000002" in denied.headline


async def test_run_button_runs_a_read_command_as_the_presser(harness: Harness) -> None:
    """A RUN action executes its command for whoever pressed it, authorized as them."""
    from bot.core.invocation import Origin, Press
    from bot.core.reply import run_action

    action = run_action("Users", "users 1234")
    reply = await harness.core.press(
        Press(actor="U0VIEWER", channel="C0INCIDENT", action_id=action.id, origin=Origin.BUTTON)
    )
    assert "in room 1400000001/1234" in reply.headline
    kick = run_action("Kick", "kick 1234 alice")
    refused = await harness.core.press(
        Press(actor="U0VIEWER", channel="C0INCIDENT", action_id=kick.id, origin=Origin.BUTTON)
    )
    assert refused.headline.startswith("Not allowed")


async def test_unexpected_error_gives_a_reference_not_a_trace(harness: Harness) -> None:
    """A failure inside the pipeline (the audit table is gone) is answered with a reference."""
    from sqlalchemy import text as sql

    async with harness.store.engine.begin() as conn:
        await conn.execute(sql("DROP TABLE audit"))
    reply = await harness.say("oncall", "users 1234")
    assert reply.severity is Severity.ERROR
    assert reply.reference and reply.reference in reply.lines[0]
    assert "audit" not in text(reply) and "Traceback" not in text(reply)


async def test_error_log_line_carries_the_reference(
    harness: Harness, capfd: pytest.CaptureFixture[str]
) -> None:
    """The JSON log line of an unexpected error has the reference the person was shown."""
    import json
    import logging

    from sqlalchemy import text as sql

    from bot import logs

    logs.configure(logging.INFO, json=True)
    try:
        async with harness.store.engine.begin() as conn:
            await conn.execute(sql("DROP TABLE audit"))
        reply = await harness.say("oncall", "users 1234")
        lines = [json.loads(x) for x in capfd.readouterr().err.splitlines() if x.startswith("{")]
    finally:
        logging.getLogger().handlers.clear()
    errors = [x for x in lines if x["level"] == "ERROR" and x["request_id"] == reply.reference]
    assert errors and "unhandled error" in errors[0]["message"]
