"""The issue's proof on a scripted room: exactly the users with problems, why, and when."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from PIL import Image

from bot.core.reply import ActionKind, Reply, Severity
from bot.quality import hhmm, span
from bot.quality.sparkline import BARS
from tests.quality.conftest import XYZ, XYZ_ROOM, calls, created, harness_factory, named, text
from tests.support.harness import Harness

# One simulated world and one summary for the whole module: the room is 33 users
# × 20 minutes of 2-s samples, worth computing once.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Summary:
    harness: Harness
    reply: Reply
    start: int  # the room's call began
    end: int  # the window's end (the core's clock)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def xyz(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Summary]:
    async with harness_factory(tmp_path_factory.mktemp("xyz"))(XYZ) as h:
        reply = await h.say("oncall", f"quality {XYZ_ROOM}")
        yield Summary(h, reply, created(h, XYZ_ROOM), int(h.clock.now))


async def test_summary_names_exactly_the_scripted_users(xyz: Summary) -> None:
    """X (upstream loss 5-9), Y (timeout at 12) and Z (CPU throughout) are named with their
    causes and minute windows; the thirty others are counted as fine."""
    reply, start, end = xyz.reply, xyz.start, xyz.end
    assert reply.severity is Severity.WARNING
    assert reply.headline.startswith(f"Room {XYZ_ROOM}: 3 of 33 users had bad quality")
    lines = named(reply)
    assert set(lines) == {"xavier", "yolanda", "zeno"}
    assert "30 users were fine." in reply.lines

    xavier = lines["xavier"]
    assert f"upstream audio loss {span(start + 300, start + 540)} (likely their uplink)" in xavier
    assert xavier.split("% upstream")[0].endswith(("19", "20", "21"))
    assert "Android, SDK 11.8" in xavier

    yolanda = lines["yolanda"]
    assert f"dropped out at {hhmm(start + 720)} (connection timed out)" in yolanda
    assert "Web" in yolanda

    zeno = lines["zeno"]
    assert f"throughout ({span(start, end)})" in zeno and "(device overloaded)" in zeno
    assert zeno.startswith("zeno — CPU 100% (app 9")  # app CPU at ~95 %, system CPU pinned


async def test_worst_users_get_sparklines_buttons_and_a_chart(xyz: Summary) -> None:
    """Each bad user has a sparkline line and a breakdown button; the PNG is attached."""
    reply = xyz.reply
    sparks = [line.split()[1] for line in reply.lines if line.startswith("    ")]
    assert len(sparks) == 3 and all(set(s) <= set(BARS + " ") for s in sparks)
    assert sparks[0] == "█" * 30  # zeno's CPU, pinned all along
    assert "upstream audio loss, peak 2" in text(reply)  # xavier's ~22 % peak
    assert [a.label for a in reply.actions] == [
        "zeno's breakdown",  # worst first: the longest bad stretch
        "xavier's breakdown",
        "yolanda's breakdown",
    ]
    assert all(a.kind is ActionKind.RUN for a in reply.actions)
    assert f"run:quality {XYZ_ROOM} --user xavier" in {a.id for a in reply.actions}

    (png,) = reply.files
    assert png.mimetype == "image/png" and png.filename.startswith(f"quality-{XYZ_ROOM}-")
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.size == (1000, 600)
    image.verify()


async def test_the_breakdown_button_shows_one_user_in_full(xyz: Summary) -> None:
    """Pressing the worst user's button runs `quality <room> --user` as the presser: every
    metric's p50/p95/max, the bad interval, and a chart of that user alone."""
    h = xyz.harness
    before = len(h.sim.simulator.requests)
    detail = await h.press("oncall", xyz.reply, ActionKind.RUN)
    asked = [r.params for r in h.sim.simulator.requests[before:]]
    assert detail.headline.startswith(f"zeno in room {XYZ_ROOM}")
    assert ": bad — CPU 100%" in detail.headline
    (table,) = detail.tables
    assert table.columns == ("Metric", "p50", "p95", "max", "over poor", "bad intervals")
    rows = {row[0]: row for row in table.rows}
    assert rows["system CPU"][1:4] == ("100%", "100%", "100%")
    assert rows["system CPU"][5] == span(xyz.start, xyz.end)
    assert rows["upstream audio loss"][5] == "—"
    assert ("Device", "Windows · SDK 11.7") in detail.fields
    assert detail.files and detail.files[0].filename.startswith(f"quality-{XYZ_ROOM}-zeno-")
    metrics = [p for p in asked if "DataType" in p]
    assert [p["UserIds"] for p in metrics] == [["zeno"]]  # one query, for zeno only


async def test_a_user_who_was_not_there(xyz: Summary) -> None:
    """--user for someone absent says so and points at `users`."""
    reply = await xyz.harness.say("oncall", f"quality {XYZ_ROOM} --user mallory")
    assert reply.headline.startswith(f"mallory was not in room {XYZ_ROOM}")
    assert f"users {XYZ_ROOM}" in text(reply)


async def test_a_healthy_room_is_said_to_be_healthy(xyz: Summary) -> None:
    """Twelve fine users: a one-line all-clear, no chart, no buttons, no event queries."""
    h = xyz.harness
    before = calls(h).get("DescribeUserEvent", 0)
    reply = await h.say("oncall", "quality 1212")
    assert reply.severity is Severity.SUCCESS
    assert reply.headline.startswith("Room 1212 looks healthy: all 12 users were fine")
    assert not any("were fine" in line for line in reply.lines)  # said once (issue 19)
    assert reply.files == () and reply.actions == ()
    assert calls(h).get("DescribeUserEvent", 0) == before
