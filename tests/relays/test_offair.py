"""Taking a broadcast off air from chat, on the simulator, end to end: relays the bot only
heard of in callbacks, `offair` with confirmation, policy, per-task failures, `relay start`
through approval, stream ingest."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.authz import PolicyReloader
from bot.console.personas import sample_policy_path
from bot.core.markup import plain
from bot.core.reply import ActionKind, Reply, Severity
from bot.core.values import parse_room
from bot.store.relays import INGEST, RELAY
from bot.trtc.rooms import RoomRef
from bot.trtc.simulator.relay import desk_of
from tests.callbacks.test_watch import feed_notices
from tests.relays.conftest import OnAir

ROOM = "1400000001/1234"


def text(reply: Reply) -> str:
    return plain("\n".join([reply.headline, *reply.lines, *(v for _, v in reply.fields)]))


async def test_relays_lists_a_relay_learned_from_callbacks_with_its_key_masked(
    onair: OnAir,
) -> None:
    """The relay was on air before the bot started: only TRTC's callback told of it."""
    reply = await onair.harness.say("oncall", "relays 1234")
    shown = text(reply)
    assert reply.headline == f"Room {ROOM}: 1 CDN relay(s), 0 stream ingest(s)"
    assert "rtmp://live.example.com/live/***?txSecret=***&txTime=***" in shown
    assert "known since" in shown and "did not see it start" in shown
    assert "SECRETKEY1234" not in shown and "SECRETTOKEN" not in shown


async def test_offair_stops_the_relay_the_room_keeps_running_and_the_thread_is_told(
    onair: OnAir,
) -> None:
    h = onair.harness
    await h.say("oncall", "watch 1234")
    present = h.present(1234)
    confirm = await h.say("oncall", 'offair 1234 --reason "abuse on the public stream"')
    assert confirm.headline == f"Confirm: take room {ROOM} off air: stop 1 CDN relay?"
    assert "rtmp://live.example.com/live/***?txSecret=***&txTime=***" in text(confirm)
    done = await h.press("oncall", confirm, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS
    assert done.headline == f"Room {ROOM} is off air: 1 CDN relay stopped"
    assert "keeps running" in text(done)
    assert h.mutations() == ["StopPublishCdnStream"]
    users = await h.say("oncall", "users 1234")
    assert users.headline.startswith(f"{len(present)} in room {ROOM}")  # still live
    assert h.present(1234) == present
    await onair.settle()
    told = [n.reply.headline for n in feed_notices(h.notices)]
    assert told == [f"Room {ROOM}: 2 CDN relay events"]
    lines = feed_notices(h.notices)[0].reply.lines
    assert lines[-1].endswith("CDN relay to live.example.com stopped")
    after = await h.say("oncall", "relays 1234")
    assert after.headline == f"Room {ROOM}: nothing known to be on air"


async def test_offair_refused_by_policy(onair: OnAir) -> None:
    """A viewer (read-only) cannot take a room off air; nothing is sent to TRTC."""
    h = onair.harness
    reply = await h.say("viewer", "offair 1234")
    assert reply.severity is Severity.ERROR and "trtc:StopPublishCdnStream" in text(reply)
    assert h.mutations() == []


async def test_a_stop_that_fails_is_reported_task_by_task(onair: OnAir) -> None:
    h = onair.harness
    confirm = await h.say("oncall", "offair standup")
    assert "stop 2 CDN relays" in confirm.headline
    done = await h.press("oncall", confirm, ActionKind.CONFIRM)
    shown = text(done)
    assert done.severity is Severity.WARNING and done.partial
    assert "stopped 1 of 2 CDN relays" in done.headline
    assert "Stopped: relay to rtmp://cdn-a.example.com/live/***" in shown
    assert "Not stopped: relay to rtmp://***@cdn-b.example.com/live/***?sign=***" in shown
    assert "AuthFailure.UnauthorizedOperation" in shown
    still = await h.say("oncall", "relays standup")
    assert "cdn-b.example.com" in text(still) and "stop refused" in text(still)
    assert "cdn-a.example.com" not in text(still)


async def test_relay_start_needs_approval_then_relay_stop(onair: OnAir) -> None:
    h = onair.harness
    url = "rtmp://push.example.net/live/NEWSECRETKEY?txSecret=NEWTOKEN"
    request = await h.say("oncall", f"relay start 1234 --url {url} --mix")
    assert "Approval needed" in request.headline
    assert "NEWSECRETKEY" not in text(request)
    approved = await h.press("lead", request, ActionKind.APPROVE)
    assert approved.severity is Severity.SUCCESS, approved
    assert (
        approved.headline
        == f"Relaying room {ROOM} to rtmp://push.example.net/live/***?txSecret=***"
    )
    task = next(t for t in desk_of(h.sim.simulator.world).relays.values() if t.transcoding)
    assert task.urls == [url]  # TRTC got the real URL
    listed = text(await h.say("oncall", "relays 1234"))
    assert "push.example.net" in listed and "started by" in listed
    confirm = await h.say("oncall", f"relay stop {task.task_id}")
    stopped = await h.press("oncall", confirm, ActionKind.CONFIRM)
    assert stopped.severity is Severity.SUCCESS and "stopped" in stopped.headline
    assert not task.live


async def test_ingest_start_show_and_stop(onair: OnAir) -> None:
    h = onair.harness
    url = "https://media.example.com/clip.mp4?token=INGESTTOKEN"
    request = await h.say("oncall", f"ingest start 1234 --url {url} --user bot_ingest")
    started = await h.press("lead", request, ActionKind.APPROVE)
    assert started.severity is Severity.SUCCESS, started
    assert "INGESTTOKEN" not in text(started)
    shown = await h.say("oncall", "ingest 1234")
    assert "1 stream ingest(s) in progress" in shown.headline
    assert "InProgress" in text(shown) and "token=***" in text(shown)
    confirm = await h.say("oncall", "ingest stop 1234")
    stopped = await h.press("oncall", confirm, ActionKind.CONFIRM)
    assert stopped.severity is Severity.SUCCESS, stopped
    assert "Stopped 1 of 1" in stopped.headline
    after = await h.say("oncall", "ingest 1234")
    assert "no stream ingest known" in after.headline


async def test_the_typed_url_stays_only_while_the_operation_may_still_run(onair: OnAir) -> None:
    """Pending, the operation keeps the URL as typed (it must send it once approved); once
    final — run, rejected, cancelled — its stored arguments hold the masked URL."""
    h = onair.harness
    url = "rtmp://push.example.net/live/NEWSECRETKEY?txSecret=NEWTOKEN"
    masked = "rtmp://push.example.net/live/***?txSecret=***"

    async def stored_url(reply: Reply) -> str:
        op = await h.store.operations.get(reply.operation_id or 0)
        assert op is not None
        return str(op.args["url"])

    ran = await h.say("oncall", f"relay start 1234 --url {url} --mix")
    assert await stored_url(ran) == url
    assert (await h.press("lead", ran, ActionKind.APPROVE)).severity is Severity.SUCCESS
    assert await stored_url(ran) == masked
    rejected = await h.say("oncall", f"relay start 1234 --url {url} --mix")
    await h.press("lead", rejected, ActionKind.REJECT)
    assert await stored_url(rejected) == masked
    cancelled = await h.say("lead", f"relay start 1234 --url {url} --mix")
    assert await stored_url(cancelled) == url
    await h.press("lead", cancelled, ActionKind.CANCEL)
    assert await stored_url(cancelled) == masked


async def _task_of(onair: OnAir, room: int | str) -> str:
    await onair.settle()
    ref = parse_room(str(room), apps={}, default_app=1400000001)
    [row, *_] = await onair.harness.store.relays.live(ref, RELAY)
    return row.task_id


async def test_relay_stop_is_authorized_in_the_stored_tasks_room(
    onair: OnAir, tmp_path: Path
) -> None:
    """`relay stop <task>` names no room: it is authorized in the room the bot stored for
    the task, so a deny on room 1234 holds for its relay and not for standup's."""
    h = onair.harness
    policy = yaml.safe_load(sample_policy_path().read_text())
    policy["policies"]["oncall"]["statement"].append(
        {
            "effect": "deny",
            "action": ["trtc:StopPublishCdnStream"],
            "resource": "*",
            "condition": {"string_equal": {"trtc:room_id": "1234"}},
        }
    )
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    reloader = PolicyReloader(path)
    h.core.services.policies = lambda: reloader.current
    webinar, standup = await _task_of(onair, 1234), await _task_of(onair, "standup")
    refused = await h.say("oncall", f"relay stop {webinar}")
    assert refused.severity is Severity.ERROR and "an explicit deny" in text(refused)
    [record] = await h.store.audit.recent(1, actor="U0ONCALL")
    assert record.outcome == "denied" and record.reason == "explicit_deny"
    asked = await h.say("oncall", f"relay stop {standup}")
    assert asked.headline.startswith("Confirm: "), asked.headline
    assert h.mutations() == []


async def test_relay_stop_of_another_applications_task_is_judged_there(onair: OnAir) -> None:
    """On-call may stop relays of application 1400000001 only: a task the bot stored for
    1400000002 is refused, though the default application would have allowed it."""
    h = onair.harness
    task = "k-staging-task-0000000000000000000000000000000000000000000000000000000"
    await h.store.relays.started(
        kind=RELAY, room=RoomRef(1400000002, "1234", True), task_id=task,
        url="rtmp://cdn.example.com/live/***", robot=None, by="lead", state="on air",
        now=h.clock(),
    )  # fmt: skip
    refused = await h.say("oncall", f"relay stop {task}")
    assert refused.severity is Severity.ERROR
    assert "sdkappid/1400000002" in text(refused)
    await h.store.relays.started(
        kind=INGEST, room=RoomRef(1400000002, "1234", True), task_id=task,
        url="https://media.example.com/***", robot=None, by="lead", state="running",
        now=h.clock(),
    )  # fmt: skip
    ingest = await h.say("oncall", f"ingest stop {task}")  # the same for an ingest's TaskId
    assert ingest.severity is Severity.ERROR and "sdkappid/1400000002" in text(ingest)
    assert h.mutations() == []
