"""Issue 19 item 18: tables fit 100 columns, wrapping long cells within their column."""

from __future__ import annotations

from bot.console.render import render
from bot.core.layout import WIDTH, aligned
from bot.core.reply import Reply, Table
from bot.slack.blocks import table_lines
from tests.support.harness import Harness

LONG = "14:02–14:06, 14:10–14:12, 14:20–14:25, 14:31–14:33, 14:40–14:41, 14:50–14:58"


def test_a_narrow_table_is_left_as_it_is() -> None:
    """Natural widths while they fit: header, rule, rows."""
    assert aligned(("User", "Joined"), [("alice", "14:05")]) == [
        "User   Joined",
        "-----  ------",
        "alice  14:05",
    ]


def test_a_wide_table_wraps_its_widest_column_within_the_width() -> None:
    """Every line fits; the wrapped cell continues under its own column; nothing is lost."""
    rows = [("upstream audio loss", "16%", LONG), ("round-trip time", "78 ms", "—")]
    lines = aligned(("Metric", "p95", "bad intervals"), rows, width=60)
    assert all(len(line) <= 60 for line in lines), lines
    column = lines[0].index("bad intervals")
    continued = [line for line in lines[2:] if line[:column].strip() == ""]
    assert continued, lines
    assert " ".join(line[column:].strip() for line in lines[2:-1]) == LONG


def test_console_and_slack_tables_fit_100_columns() -> None:
    """The console indents by two and stays within 100; Slack's code block likewise."""
    table = Table(("Metric", "p50", "p95", "bad intervals", "why"), ((
        "upstream audio loss", "0.3%", "16%", LONG, "likely their uplink " * 3),))  # fmt: skip
    console = render(Reply("q", tables=(table,)), lambda _: 1).splitlines()
    assert max(len(line) for line in console) <= WIDTH, console
    assert max(len(line) for line in table_lines(table)) <= WIDTH


async def test_every_console_table_of_the_first_hour_fits(harness: Harness) -> None:
    """whoami, rooms, users of the webinar: no line over 100 columns in the console."""
    for persona, line in (("lead", "whoami"), ("oncall", "rooms --since 3d"),
                          ("oncall", "users 8888"), ("oncall", "events 1234 erin")):  # fmt: skip
        reply = await harness.say(persona, line)
        assert reply.tables, line
        shown = render(Reply("-", tables=reply.tables), lambda _: 1)
        for row in shown.splitlines()[1:]:
            assert len(row) <= WIDTH, (line, row)


def test_an_id_is_never_broken() -> None:
    """A RequestId stays whole to be copied; a table that cannot fit wraps only its prose."""
    rid = "b2916bed-d3c4-47ee-a7ab-b7514018afcf"
    rows = [("2026-12-07 13:41 JST", "pressed Confirm on #1: mute 1234 bob --for 10m", rid * 2)]
    lines = aligned(("When", "Command", "RequestId"), rows, width=60)
    assert any(rid * 2 in line for line in lines), lines
    assert rid * 2 in lines[2] and "  pressed Confirm  " in lines[2], lines
    assert lines[3].strip() == "on #1: mute 1234", lines  # the prose wraps at PROSE
