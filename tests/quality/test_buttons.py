"""A breakdown button's command names its user safely, whatever TRTC calls them."""

from __future__ import annotations

from bot.core.reply import ActionKind, Severity
from tests.quality.conftest import Factory

ODD = "eve --since 1d"  # a TRTC user id that reads like an option
ROOM = 6060
SCENARIO = {
    "include_defaults": False,
    "rooms": [
        {
            "room": ROOM,
            "started_minutes_ago": 20,
            "users": [{"id": ODD, "device": "windows", "network": "wired"}, {"id": "fine_1"}],
            "script": [
                {"kind": "cpu", "user": ODD, "percent": 83, "from_minute": 0, "to_minute": 600}
            ],
        }
    ],
}


async def test_an_odd_user_id_is_quoted_in_the_breakdown_command(make_harness: Factory) -> None:
    """The user id is one quoted word: pressing runs no injected --since; it is read as
    a user id (and refused as one), privately, with no quality query made."""
    async with make_harness(SCENARIO) as h:
        report = await h.say("oncall", f"quality {ROOM}")
        [action] = report.actions
        assert action.id == f"run:quality {ROOM} --user '{ODD}'"
        before = len(h.sim.simulator.requests)
        pressed = await h.press("oncall", report, ActionKind.RUN)
        assert pressed.private and pressed.severity is Severity.ERROR
        assert f"'{ODD}' is not a TRTC user id" in pressed.headline
        assert h.sim.simulator.requests[before:] == []
