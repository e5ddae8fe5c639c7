"""The console on a real terminal (a pty, driven by pexpect): history kept across
sessions, Tab completion, Ctrl-C that cancels a running `quality` but not the console,
a notice that arrives while a line is half typed, and `quit` asking again."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("prompt_toolkit")

pytestmark = pytest.mark.slow

PROMPT = "oncall@C0INCIDENT>"  # its trailing space is drawn as a cursor move
UP, TAB, CTRL_C = "\x1b[A", "\t", "\x03"


class Terminal:
    def __init__(self, tmp_path: Path, **env: str) -> None:
        clean = {
            k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "SLACK_"))
        }
        for name in ("DATABASE_URL", "TRTC_CHATOPS_POLICY_FILE", "PORT", "TRTC_CHATOPS_APPS"):
            clean.pop(name, None)
        clean.update(
            XDG_STATE_HOME=str(tmp_path / "state"),
            XDG_RUNTIME_DIR=str(tmp_path),
            TERM="xterm",
            PROMPT_TOOLKIT_NO_CPR="1",  # pexpect does not answer cursor-position requests
            **env,
        )
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "bot.cli", "console"],
            env=clean,
            cwd=str(tmp_path),
            dimensions=(50, 200),
            encoding="utf-8",
            timeout=60,
        )
        self.expect(PROMPT)

    def expect(self, pattern: str, timeout: float = 60) -> str:
        self.child.expect(pattern, timeout=timeout)
        return str(self.child.before)

    def type(self, text: str) -> None:
        self.child.send(text)
        time.sleep(0.3)  # let the prompt read it before the next key

    def run(self, line: str, answer: str) -> str:
        self.type(line + "\r")
        seen = self.expect(answer)
        self.expect(PROMPT)
        return seen

    def quit(self) -> None:
        self.type("quit\r")
        self.child.expect(pexpect.EOF, timeout=30)


@pytest.fixture
def terminals(tmp_path: Path) -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.child.close(force=True)


def test_history_is_kept_across_sessions(tmp_path: Path, terminals: list[Terminal]) -> None:
    first = Terminal(tmp_path)
    terminals.append(first)
    first.run("users 1234", r"5 in room 1400000001/1234")
    first.quit()
    history = tmp_path / "state" / "trtc-chatops" / "history"
    assert "users 1234" in history.read_text()
    second = Terminal(tmp_path)
    terminals.append(second)
    second.type(UP + UP)  # the line before the previous session's `quit`
    second.type("\r")
    second.expect(r"5 in room 1400000001/1234")
    second.expect(PROMPT)
    second.quit()


def test_tab_completes_commands_rooms_and_users(tmp_path: Path, terminals: list[Terminal]) -> None:
    shell = Terminal(tmp_path)
    terminals.append(shell)
    shell.type("whoa" + TAB)  # a command
    shell.run("", r"You are oncall in channel C0INCIDENT")
    shell.run("rooms", r"live, \d+ ended")  # teaches the rooms listed
    shell.type("users stand" + TAB)  # a room seen in a reply
    shell.run("", r"in room 1400000001/standup")
    shell.run("users 1234", "alice")
    shell.type("mute 1234 ali" + TAB)  # a user seen in a reply
    shell.run(" --for 10m", r"Confirm: mute alice in room 1400000001/1234")


def test_ctrl_c_cancels_a_running_quality_not_the_console(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    # One TRTC call every 5 s: `quality` is still fetching when Ctrl-C comes.
    shell = Terminal(tmp_path, TRTC_RATE_LIMIT="0.2")
    terminals.append(shell)
    shell.type("quality 8888 --since 30m\r")
    time.sleep(2)
    shell.type(CTRL_C)
    shell.expect("· cancelled", timeout=10)
    shell.expect(PROMPT)
    assert shell.child.isalive()
    shell.run("whoami", r"You are oncall")
    shell.quit()


def test_a_notice_is_drawn_above_a_half_typed_line(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    shell = Terminal(tmp_path)
    terminals.append(shell)
    shell.run("mute 1234 bob --for 10s", r"\[1\] Confirm")
    shell.run("1", "Muted bob")
    shell.type("users 12")  # half typed when the timed mute is lifted
    shell.expect("Unmuted bob in room 1400000001/1234", timeout=30)
    shell.expect(r"lifted automatically\.")
    shell.expect(PROMPT + " users 12")  # the prompt and the half line, drawn again below
    shell.run("34", r"5 in room 1400000001/1234")  # and the line goes on as typed
    shell.quit()


def test_quit_warns_about_what_stops_and_asks_again(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    shell = Terminal(tmp_path)
    terminals.append(shell)
    shell.run("mute 1234 bob --for 10m", r"\[1\] Confirm")
    shell.run("1", "Muted bob")
    shell.run("dismiss 1234", "approval")
    shell.type("quit\r")
    shell.expect("this console is the bot: when it stops, nobody minds")
    shell.expect(r"1 request \(left unanswered\)")
    shell.expect(r"1 timed mute \(not lifted when due\)")
    shell.expect(r"quit anyway\? \[y/N\]")
    shell.type("n\r")
    shell.expect(PROMPT)
    shell.run("whoami", "You are oncall")
    shell.type("quit\r")
    shell.expect(r"quit anyway\? \[y/N\]")
    shell.type("y\r")
    shell.child.expect(pexpect.EOF, timeout=30)
