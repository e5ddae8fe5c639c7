"""A 1,000-user room within TRTC's limits: the fewest calls, paced, with throttled progress."""

from __future__ import annotations

import itertools
import math
import re
import time

from bot.core.invocation import Invocation, Origin
from bot.trtc import limits
from tests.quality.conftest import Factory, calls, webinar


async def test_a_thousand_users_take_the_fewest_calls(make_harness: Factory) -> None:
    """1,000 listeners over two minutes, with the 20/s limit enforced by the simulator:
    one room query, 11 user pages (100 a page, the last one empty), ⌈1000/6⌉ metric
    queries, no event query (nobody looked bad), nothing retried — and progress is
    reported as one line every couple of seconds, never a flood."""
    room = webinar(1000)
    number = room["rooms"][0]["room"]
    reports: list[tuple[float, str]] = []

    async def progress(line: str) -> None:
        reports.append((time.monotonic(), line))

    async with make_harness(room, rate_limit=limits.REQUESTS_PER_SECOND) as h:
        began = time.monotonic()
        reply = await h.core.handle(
            Invocation(
                actor="U0ONCALL",
                channel="C0INCIDENT",
                text=f"quality {number} --since 2m",
                origin=Origin.CONSOLE,
                usergroups=frozenset({"S0ONCALL"}),
                thread="1700000000.000100",
            ),
            progress=progress,
        )
        took = time.monotonic() - began
        asked = calls(h)
        refused = [r for r in h.sim.simulator.requests if r.error_code]
    assert reply.headline.startswith(f"Room {number} looks healthy: all 1,000 users were fine")
    assert refused == [], [(r.action, r.error_code) for r in refused]
    assert asked == {
        "DescribeRoomInfo": 1,
        "DescribeUserInfo": 1000 // 100 + 1,
        "DescribeCallDetailInfo": math.ceil(1000 / limits.METRICS_USER_BATCH),
    }
    assert reports, "a fetch of several seconds shows progress"
    assert len(reports) <= took / 2 + 1
    # "/1,000" once the listing is done; "/700+" if a report comes while it is still going.
    shown = [line for _, line in reports]
    assert all(re.fullmatch(r"fetched [\d,]+/(1,000|[\d,]+\+) users…", line) for line in shown)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(reports)]
    assert all(gap >= 1.9 for gap in gaps)
