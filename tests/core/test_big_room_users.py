"""Issue 19 item 19: `users` of the 1,000-user webinar reads in pages, narrowed by a filter;
issue 19 item 18: moments to the second where they matter, dates on older rooms."""

from __future__ import annotations

import re

from bot.core.markup import plain
from bot.core.reply import Reply, Severity
from tests.support.harness import Harness


def _lines(reply: Reply) -> list[str]:
    return [plain(line, quote="`") for line in reply.lines]


async def test_users_of_a_big_room_are_paged(harness: Harness) -> None:
    """Fifty a page, "page 2 of N" with the command for the next, never all 1,000."""
    first = await harness.say("oncall", "users 8888")
    total = int(plain(first.headline).split(" in room")[0].replace(",", ""))
    assert 900 < total <= 1000, first.headline
    pages = -(-total // 50)
    assert len(first.tables[0].rows) == 50
    assert f"Page 1 of {pages}; next: `users 8888 --page 2`" in _lines(first)
    second = await harness.say("oncall", "users 8888 --page 2")
    assert len(second.tables[0].rows) == 50
    assert {r[0] for r in second.tables[0].rows}.isdisjoint(r[0] for r in first.tables[0].rows)
    assert f"Page 2 of {pages}; next: `users 8888 --page 3`" in _lines(second)
    last = await harness.say("oncall", f"users 8888 --page {pages}")
    assert f"Page {pages} of {pages} (the last)." in _lines(last)
    beyond = await harness.say("oncall", f"users 8888 --page {pages + 1}")
    assert beyond.severity is Severity.WARNING
    assert f"There is no page {pages + 1}: the list has {pages} pages." in _lines(beyond)


async def test_users_filter_matches_id_device_or_sdk_in_any_case(harness: Harness) -> None:
    """--filter host finds the three hosts; --filter IOS every iOS viewer, counted."""
    hosts = await harness.say("oncall", "users 8888 --filter host")
    assert [r[0] for r in hosts.tables[0].rows] == ["host_1", "host_2", "host_3"]
    assert re.match(r"3 of [\d,]+ in room 1400000001/8888 matching `host`",
                    plain(hosts.headline, quote="`")), hosts.headline  # fmt: skip
    assert not any(line.startswith("Page") for line in _lines(hosts))  # one page: no paging
    ios = await harness.say("oncall", "users 8888 --filter IOS")
    assert all(r[2].lower() == "ios" for r in ios.tables[0].rows)
    assert any("--filter IOS --page 2" in line for line in _lines(ios))
    none = await harness.say("oncall", "users 8888 --filter nobody-here")
    assert plain(none.headline).startswith("0 of ") and not none.tables


async def test_join_times_and_event_times_show_seconds(harness: Harness) -> None:
    """A join or an event is told to the second; a mute's end too."""
    users = await harness.say("oncall", "users 1234")
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d UTC", plain(r[1])) for r in users.tables[0].rows)
    events = await harness.say("oncall", "events 1234 erin")
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d UTC", plain(r[0])) for r in events.tables[0].rows)
    asked = await harness.say("oncall", "mute 1234 bob --for 10m")
    done = await harness.press("oncall", asked, asked.actions[0].kind)
    assert re.search(r"until \d\d:\d\d:\d\d UTC", plain(done.headline)), done.headline


async def test_rooms_older_than_today_carry_their_date(harness: Harness) -> None:
    """Today's calls show a time; a call from an earlier day shows its date as well."""
    rooms = await harness.say("oncall", "rooms --since 3d")
    starts = [plain(r[2]) for r in rooms.tables[0].rows]
    assert any(re.fullmatch(r"\d\d:\d\d UTC", s) for s in starts), starts
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", s) for s in starts), starts
