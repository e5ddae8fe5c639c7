"""A scripted console session, run as a newcomer would: the real CLI, stdin piped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console.render import clean, render
from bot.core.reply import Action, ActionKind, Reply, Table
from tests.support.cli import run_console

pytestmark = pytest.mark.slow

SCRIPT = """\
rooms
users 1234
kick 1234 alice --reason "spamming"
1
users 1234
dismiss standup
as lead
3
audit 20
quit
"""


def test_scripted_session(tmp_path: Path) -> None:
    """rooms → users → kick with confirmation → dismiss approved by another persona → audit."""
    out = run_console(SCRIPT, tmp_path)
    assert "TRTC: SIMULATOR" in out
    assert "[SIMULATOR]" in out
    assert "oncall@C0INCIDENT> kick 1234 alice" in out
    assert "Confirm: remove alice from room 1400000001/1234?" in out
    assert "✔ [SIMULATOR] Removed alice from room 1400000001/1234" in out
    after_kick = out.split("Removed alice", 1)[1]
    assert "alice" not in after_kick.split("dismiss standup", 1)[0]
    assert "Approval needed #2: dismiss room 1400000001/standup, disconnecting 4 users" in out
    assert "you are now U0LEAD" in out
    assert "Dismissed room 1400000001/standup" in out
    assert "approved by lead" in out and "\ue000" not in out  # persona names, no tokens
    audit = out.split("lead@C0INCIDENT> audit 20", 1)[1]
    assert "succeeded" in audit and "spamming" not in audit.split("\n")[0]
    assert "  lead  " in audit and "U0LEAD" not in audit  # the Who column names personas


def test_bad_lines_do_not_end_the_session(tmp_path: Path) -> None:
    """Unknown words, bad numbers and bad personas are answered and the session goes on."""
    out = run_console("frobnicate\n7\nas\nhelp\n", tmp_path)
    assert "unknown command `frobnicate`" in out
    assert "there is no action [7]" in out
    assert "say who" in out
    assert "What you can do here" in out


def test_render_escapes_control_characters() -> None:
    """Terminal escapes in user text are shown, not executed."""
    reply = Reply(
        headline="room \x1b[2Jboom",
        tables=(Table(("User",), (("eve\x07",),)),),
        actions=(Action(ActionKind.CONFIRM, "confirm:1:x", "Confirm"),),
    )
    shown = render(reply, lambda _a: 1)
    assert "\x1b" not in shown and "\\x1b[2Jboom" in shown and "\\x07" in shown
    assert "[1] Confirm" in shown
    assert clean("plain") == "plain"


def test_autocorrected_quotes_and_dashes(tmp_path: Path) -> None:
    """`--reason “two words”` and `—for 10m`, as a Mac types them, read as ASCII ones."""
    out = run_console("kick 1234 bob --reason “two words”\nmute 1234 carol —for 10m\n", tmp_path)
    assert "Confirm: remove bob from room 1400000001/1234?" in out
    assert "  Reason: two words\n" in out
    assert "Confirm: mute carol in room 1400000001/1234 for 10m?" in out


def test_sim_join_and_leave_drive_the_simulator(tmp_path: Path) -> None:
    """`sim join`/`sim leave`: someone enters or leaves now; bad words are answered."""
    out = run_console(
        "as lead\nsim join 1234 mallory\nsim join 1234 mallory\nsim leave 1234 mallory\n"
        "sim leave 1234 mallory\nsim dance\nsim join 1234\nquit\n",
        tmp_path,
    )
    assert "simulator: mallory entered room 1400000001/1234 (callback sent)" in out
    assert "mallory is already in room 1400000001/1234; nothing changed" in out
    assert "simulator: mallory left room 1400000001/1234 (callback sent)" in out
    assert "mallory is not in room 1400000001/1234; nothing changed" in out
    assert out.count("say: sim join ROOM USER | sim leave ROOM USER") == 2
