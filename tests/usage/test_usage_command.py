"""`usage` and `idle` through the core, as the console runs them, on the simulator."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import yaml

from bot.authz import PolicyReloader
from bot.console.personas import PERSONAS, sample_policy_path
from bot.core.invocation import Press
from bot.core.reply import ActionKind, Reply, Severity
from bot.settings import Settings
from bot.store.roster import Move, MoveKind
from bot.trtc.usage import beijing_date
from tests.support.harness import CHANNEL, THREAD, Harness, open_harness
from tests.usage.conftest import IDLE_ROOM, config

SPIKE_DAYS_AGO = 2  # the default world's spike: room 4242, HD (ledger.py)


def _text(reply: Reply) -> str:
    cells = [" ".join(row) for t in reply.tables for row in t.rows]
    return "\n".join([reply.headline, *reply.lines, *[" ".join(t.columns) for t in reply.tables],
                      *cells])  # fmt: skip


async def test_usage_for_a_week_names_the_spike_day_and_draws_it(harness: Harness) -> None:
    """`usage --days 7`: a row per day by type, a verdict naming the spike day and its
    room, and a PNG chart."""
    reply = await harness.say("oncall", "usage --days 7")
    assert reply.severity is Severity.WARNING
    table = reply.tables[0]
    assert table.columns[0] == "Day" and "HD" in table.columns and "Recording" in table.columns
    assert len(table.rows) == 7
    day = beijing_date(time.time()) - timedelta(days=SPIKE_DAYS_AGO)
    verdict = reply.lines[0]
    assert "HD minutes up" in verdict and f"{day:%A} {day.isoformat()}" in verdict
    assert "room 4242 accounts for" in verdict
    assert "TRTC_CHATOPS_PRICES" in _text(reply)  # no prices: minutes, and how to add them
    (png,) = reply.files
    assert png.mimetype == "image/png" and png.content.startswith(b"\x89PNG")


async def test_usage_by_room_names_the_top_rooms(harness: Harness) -> None:
    """`usage --by room`: DescribeTrtcRoomUsage a day at a time, the top rooms first."""
    reply = await harness.say("oncall", "usage --days 3 --by room")
    rows = reply.tables[0].rows
    assert rows[0][0] == "4242" and rows[1][0] == "8888"
    asked = [r for r in harness.sim.simulator.requests if r.action == "DescribeTrtcRoomUsage"]
    assert len(asked) == 3 and all(r.error_code is None for r in asked)
    assert "Top: 4242, 8888" in _text(reply)


async def test_a_bad_window_is_bad_input(harness: Harness) -> None:
    """--from without --to, --days with --from, an unknown --by: refused before any call."""
    for text in ("usage --from 2026-01-01", "usage --days 3 --from 2026-01-01 --to 2026-01-02",
                 "usage --by colour"):  # fmt: skip
        reply = await harness.say("oncall", text)
        assert reply.severity is Severity.ERROR, text
    assert harness.sim.simulator.requests == []


async def test_the_viewer_may_read_usage(harness: Harness) -> None:
    """Reading usage is a read permission: the read-only viewer persona has it."""
    reply = await harness.say("viewer", "usage --days 2")
    assert reply.severity is not Severity.ERROR and reply.tables


async def test_prices_turn_minutes_into_money(database_url: str, tmp_path: Path) -> None:
    """With TRTC_CHATOPS_PRICES the table has a cost column and the total is in the currency;
    a type without a price is named, not guessed."""
    prices = tmp_path / "prices.yaml"
    prices.write_text("currency: USD\nper_thousand_minutes:\n  HD: 4.0\n  Audio: 0.99\n")
    settings = Settings(_env_file=None, trtc_chatops_prices=prices)  # type: ignore[call-arg]
    async with open_harness(config(), database_url, settings=settings) as harness:
        reply = await harness.say("oncall", "usage --days 7")
    table = reply.tables[0]
    assert table.columns[-1] == "Cost (USD)"
    hd = table.columns.index("HD")
    audio = table.columns.index("Audio")
    for row in table.rows:
        expected = float(row[hd].replace(",", "")) * 4 / 1000
        expected += float(row[audio].replace(",", "")) * 0.99 / 1000
        assert abs(float(row[-1].replace(",", "")) - expected) < 0.02
    cost = next(line for line in reply.lines if line.startswith("Cost:"))
    assert "USD" in cost and "no price for SD" in cost
    assert "TRTC_CHATOPS_PRICES" not in cost


async def test_idle_finds_the_ghost_room_and_its_dismiss_asks_first(harness: Harness) -> None:
    """`idle` lists the room live for hours with one user; its Dismiss button goes through
    the usual flow (for on-call, an approval request), and nothing is dismissed yet."""
    reply = await harness.say("oncall", "idle --for 2h --max-users 1")
    rooms = [row[0] for row in reply.tables[0].rows]
    assert str(IDLE_ROOM) in rooms
    row = reply.tables[0].rows[rooms.index(str(IDLE_ROOM))]
    assert row[2:] == ("1", "ghost", "TRTC history")  # no TRTC event of it seen
    button = next(a for a in reply.actions if a.label == f"Dismiss {IDLE_ROOM}")
    assert button.kind is ActionKind.RUN and button.danger
    persona = PERSONAS["oncall"]
    asked = await harness.core.press(
        Press(persona.user_id, CHANNEL, button.id, usergroups=persona.groups, thread=THREAD)
    )
    assert asked.operation_id is not None
    assert f"dismiss room 1400000001/{IDLE_ROOM}" in asked.headline
    assert {a.kind for a in asked.actions} & {ActionKind.CONFIRM, ActionKind.APPROVE}
    assert "DismissRoom" not in harness.mutations()
    assert harness.present(IDLE_ROOM) == {"ghost"}


async def test_the_viewer_pressing_dismiss_is_refused(harness: Harness) -> None:
    """A read-only person sees the button; pressing it is denied to them alone."""
    reply = await harness.say("viewer", "idle")
    button = next(a for a in reply.actions if a.label == f"Dismiss {IDLE_ROOM}")
    viewer = PERSONAS["viewer"]
    refused = await harness.core.press(
        Press(viewer.user_id, CHANNEL, button.id, usergroups=viewer.groups, thread=THREAD)
    )
    assert refused.severity is Severity.ERROR and refused.private
    assert harness.mutations() == []


async def _roster(harness: Harness, *moves: tuple[MoveKind, str, int, str | None]) -> None:
    """Room events as the callback intake stores them: (kind, room, minutes ago, user)."""
    now = harness.clock()
    await harness.store.roster.apply(
        [
            Move(kind, 1400000001, room, room.isdigit(), int((now - ago * 60) * 1000), user)
            for kind, room, ago, user in moves
        ],
        now=now,
    )


async def test_idle_answers_from_the_live_roster_where_it_covers_a_room(harness: Harness) -> None:
    """The roster saw room 5150 begin: ghost has left and zed came in, which history does
    not show yet; "lonely" is live by its events only. Both are answered from the roster
    (no DescribeUserInfo for them) and say so; a room the roster saw dismissed is not
    listed though history still shows it live."""
    await _roster(
        harness,
        (MoveKind.CREATE, str(IDLE_ROOM), 200, None),
        (MoveKind.ENTER, str(IDLE_ROOM), 199, "ghost"),
        (MoveKind.EXIT, str(IDLE_ROOM), 1, "ghost"),
        (MoveKind.ENTER, str(IDLE_ROOM), 1, "zed"),
        (MoveKind.CREATE, "lonely", 150, None),
        (MoveKind.ENTER, "lonely", 150, "host"),
    )
    reply = await harness.say("oncall", "idle --for 2h --max-users 1")
    rows = {row[0]: row for row in reply.tables[0].rows}
    assert rows[str(IDLE_ROOM)][1:] == ("3h20m", "1", "zed", "TRTC events")
    assert rows["lonely"][1:] == ("2h30m", "1", "host", "TRTC events")
    assert "from TRTC events where the bot saw the call begin" in _text(reply)
    asked = [
        r.params.get("CommId")
        for r in harness.sim.simulator.requests
        if r.action == "DescribeUserInfo"
    ]
    assert asked and all(str(IDLE_ROOM) not in str(c) for c in asked)
    await _roster(harness, (MoveKind.DISMISS, str(IDLE_ROOM), 0, None))
    again = await harness.say("oncall", "idle --for 2h --max-users 1")
    assert str(IDLE_ROOM) not in [row[0] for row in again.tables[0].rows]


async def test_usage_authorizes_every_action_its_view_calls(
    database_url: str, tmp_path: Path
) -> None:
    """The type view reads four usage APIs: a person denied one is refused up front, told
    which, and nothing is asked of TRTC; the room view needs only its own; the app view
    leaves out the applications the person may not read, naming them."""
    policy = yaml.safe_load(sample_policy_path().read_text())
    policy["policies"]["limited"] = {
        "version": "2.0",
        "statement": [
            {"effect": "deny", "action": ["trtc:DescribeRelayUsage"], "resource": "*"},
            {
                "effect": "deny",
                "action": ["trtc:DescribeTrtcUsage"],
                "resource": ["qcs::trtc::uin/100000000001:sdkappid/1400000002"],
            },
        ],
    }
    policy["attach"]["users"]["U0VIEWER"].append("limited")
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    reloader = PolicyReloader(path)
    apps = {"prod": 1400000001, "staging": 1400000002}
    settings = Settings(_env_file=None, trtc_chatops_apps=apps)  # type: ignore[call-arg]
    async with open_harness(config(), database_url, settings=settings) as harness:
        harness.core.services.policies = lambda: reloader.current
        refused = await harness.say("viewer", "usage --days 2")
        assert refused.severity is Severity.ERROR
        assert "trtc:DescribeRelayUsage" in refused.headline, refused.headline
        assert harness.sim.simulator.requests == []
        rooms = await harness.say("viewer", "usage --days 1 --by room")
        assert rooms.severity is not Severity.ERROR and rooms.tables
        by_app = await harness.say("viewer", "usage --days 2 --by app")
        assert [row[0] for row in by_app.tables[0].rows] == ["prod"]
        assert "Not shown: staging (1400000002): trtc:DescribeTrtcUsage" in _text(by_app)
        allowed = await harness.say("oncall", "usage --days 2")  # on-call reads all four
        assert allowed.severity is not Severity.ERROR and allowed.tables
