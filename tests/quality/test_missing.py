"""When the data is not there, each case gets its own answer saying what to do."""

from __future__ import annotations

import re

from bot.core.reply import Severity
from bot.quality import hhmm
from tests.quality.conftest import XYZ, Factory, calls, named, text


async def test_unknown_room(make_harness: Factory) -> None:
    """A room with no call in the last 24 h is called unknown, with how to find the id."""
    async with make_harness(XYZ) as h:
        reply = await h.say("oncall", "quality 4444")
    assert reply.headline == "No room 4444 in application 1400000001 in the last 24 h."
    assert "rooms --since 1d" in text(reply)


async def test_empty_window_points_at_the_last_call(make_harness: Factory) -> None:
    """A room whose last call ended before the window gets that call's times to ask for."""
    async with make_harness(XYZ) as h:
        reply = await h.say("oncall", "quality 5555")
    assert reply.headline.startswith("Room 5555 had no call ")
    assert re.search(r"`quality 5555 --from \d\d:\d\d --to \d\d:\d\d`", text(reply))


async def test_windows_beyond_the_limits(make_harness: Factory) -> None:
    """Wider than 4 h, older than 14 days, or half a --from/--to: refused before any call."""
    async with make_harness(XYZ) as h:
        wide = await h.say("oncall", "quality 4321 --since 5h")
        old = await h.say("oncall", "quality 4321 --since 15d")
        half = await h.say("oncall", "quality 4321 --to 10:00")
        both = await h.say("oncall", "quality 4321 --since 1h --from 10:00")
        sent = len(h.sim.simulator.requests)
    # --since is the window's width: one limit, 4 h (issue 19), said by the grammar.
    assert wide.severity is Severity.ERROR and "between 1m and 4h" in wide.headline
    assert old.severity is Severity.ERROR and "between 1m and 4h" in old.headline
    assert half.headline.startswith("--to needs --from")
    assert both.headline.startswith("Use either --since or --from/--to")
    assert "Usage: quality <room>" in text(wide)
    assert sent == 0


async def test_a_window_trtc_cannot_answer_is_audited_as_bad_input(make_harness: Factory) -> None:
    """The grammar refuses a bad window (too wide, too old, half or both of --since and
    --from/--to): the audit says bad_input with the message the user read, not ok."""
    async with make_harness(XYZ) as h:
        now = h.clock.now
        wide = f"--from {hhmm(now - 5 * 3600)} --to {hhmm(now - 1800)}"  # 4 h 30 min
        asked = {
            f"quality 4321 {wide}": "at most 4 h",
            "quality 4321 --since 15d": "between 1m and 4h",
            "quality 4321 --to 10:00": "--to needs --from",
            "quality 4321 --since 1h --from 10:00": "Use either --since or --from/--to",
        }
        replies = [await h.say("oncall", line) for line in asked]
        records = list(reversed(await h.store.audit.recent(len(asked))))
        sent = len(h.sim.simulator.requests)
    for (line, words), reply, record in zip(asked.items(), replies, records, strict=True):
        assert reply.severity is Severity.ERROR and words in reply.headline, reply.headline
        assert reply.lines[0].startswith("Usage: quality <room>")
        assert (record.text, record.command, record.outcome) == (line, "quality", "bad_input")
        assert record.note == reply.headline
    assert sent == 0


async def test_bad_clock_times_are_bad_input(make_harness: Factory) -> None:
    """--from takes HH:MM in UTC; anything else says so."""
    async with make_harness(XYZ) as h:
        reply = await h.say("oncall", "quality 4321 --from 25:00")
    assert "is not a time of day: write HH:MM in UTC" in reply.headline


async def test_the_paid_edition_error(make_harness: Factory) -> None:
    """InvalidParameter.StartTimeOversize is explained: which edition reaches how far back."""
    async with make_harness(XYZ) as h:
        h.sim.simulator.fail_next("DescribeRoomInfo", "InvalidParameter.StartTimeOversize")
        reply = await h.say("oncall", "quality 4321")
    assert reply.severity is Severity.ERROR
    assert reply.headline.startswith("TRTC refused: this account's monitoring-dashboard edition")
    body = text(reply)
    assert "Code: InvalidParameter.StartTimeOversize" in body and "RequestId: " in body
    assert "7 days" in body and "14 days" in body and "--since 30m" in body


async def test_the_paid_edition_error_from_any_query(make_harness: Factory) -> None:
    """The same answer when the user list or the metrics are the first to refuse."""
    async with make_harness(XYZ) as h:
        h.sim.simulator.fail_next("DescribeUserInfo", "InvalidParameter.StartTimeOversize")
        listing = await h.say("oncall", "quality 1212")
        h.sim.simulator.fail_next("DescribeCallDetailInfo", "InvalidParameter.StartTimeOversize")
        metrics = await h.say("oncall", "quality 1212")
    for reply in (listing, metrics):
        assert reply.headline.startswith("TRTC refused: this account's monitoring-dashboard")


async def test_a_metrics_batch_that_fails_after_retries(make_harness: Factory) -> None:
    """Seven InternalErrors for two batches of six: one batch exhausts its four attempts,
    the other succeeds on its fourth; the summary grades six and names the other six."""
    async with make_harness(XYZ) as h:
        h.sim.simulator.fail_next("DescribeCallDetailInfo", "InternalError", times=7)
        reply = await h.say("oncall", "quality 1212")
        asked = calls(h)
    assert asked["DescribeCallDetailInfo"] == 8
    assert reply.severity is Severity.WARNING
    assert reply.headline.endswith("Incomplete: see Missing.")
    assert "all 6 users with data were fine" in reply.headline
    (missing,) = [line for line in reply.lines if line.startswith("Missing: ")]
    assert missing.startswith("Missing: metrics for 6 of 12 users: DescribeCallDetailInfo failed")
    assert "InternalError, RequestId " in missing and "dozen_" in missing


async def test_events_that_fail_after_retries(make_harness: Factory) -> None:
    """If a dropped-out user's events cannot be read, the summary still comes, says so, and
    does not pretend to know why they left."""
    async with make_harness(XYZ) as h:
        h.sim.simulator.fail_next("DescribeUserEvent", "InternalError", times=4)
        reply = await h.say("oncall", "quality 3434")
    assert named(reply) == {}
    assert "all 3 users with data were fine" in reply.headline  # said once, not again below
    assert "3 users were fine." not in reply.lines
    assert any(
        line.startswith("Missing: events for sue (DescribeUserEvent failed after retries")
        for line in reply.lines
    )
    assert reply.headline.endswith("Incomplete: see Missing.")


async def test_events_explain_a_drop_out(make_harness: Factory) -> None:
    """With the events readable, the same user is the one problem: dropped out, timed out."""
    async with make_harness(XYZ) as h:
        reply = await h.say("oncall", "quality 3434")
        asked = [r.params["UserId"] for r in h.sim.simulator.requests if "UserId" in r.params]
    assert set(named(reply)) == {"sue"}
    assert "dropped out at" in named(reply)["sue"]
    assert asked == ["sue"]  # events are read only for who looked bad or left early
