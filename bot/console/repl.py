"""The terminal adapter: the same core as Slack, typed at a prompt or piped in.

Besides the chat grammar it understands a few console words: `as PERSONA`
(or `as USERID [GROUP…]`) to switch identity, `personas`, a number to press
that action (`[3]`), the buttons as words — `approve 3`, `reject 3` (3: the
request `#3`), `confirm`, `cancel`, `undo` (the latest shown, or `cancel 3`) —
that action, `sim join ROOM USER` / `sim leave ROOM USER` (the embedded simulator:
someone enters or leaves now, and TRTC's callback follows), and `quit`.
"""

from __future__ import annotations

import asyncio
import difflib
import itertools
import re
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.console.files import UnsafeFolder, private_folder, save_attachments
from bot.console.personas import PERSONAS
from bot.console.progress import ProgressLines
from bot.console.render import clean, render
from bot.core.buttons import action_id, parse_action_id
from bot.core.dispatcher import Core
from bot.core.grammar import SLASH
from bot.core.invocation import Invocation, Origin, Press
from bot.core.notice import Notice
from bot.core.reply import Action, ActionKind, Reply
from bot.core.values import parse_room, parse_user

# Button words: a request number is needed where several requests are usually open.
WORDS = {k.value: k for k in ActionKind if k is not ActionKind.RUN}
NEEDS_NUMBER = {ActionKind.APPROVE, ActionKind.REJECT}


class People(Protocol):
    """The embedded simulator's joins and leaves (``Simulator.join``/``leave``)."""

    def join(self, sdkappid: int, room: int | str, user: str) -> bool: ...

    def leave(self, sdkappid: int, room: int | str, user: str) -> bool: ...


# A Slack user id, as `as U123 S0GROUP` names someone who is not a persona.
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def unknown_persona(who: str) -> str | None:
    """Why ``as who`` names nobody (``as laed``), with the personas; None if it is fine."""
    if who.lower().lstrip("@") in PERSONAS or _USER_ID.match(who):
        return None
    close = difflib.get_close_matches(who.lower(), list(PERSONAS), n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    names = ", ".join(PERSONAS)
    return f"no persona {who}: {hint}personas are {names}; or a Slack user id (U123 S0GROUP)"


@dataclass
class Identity:
    user_id: str
    groups: frozenset[str]
    name: str

    @classmethod
    def of(cls, who: str, groups: list[str] | None = None) -> Identity:
        persona = PERSONAS.get(who.lower().lstrip("@"))
        if persona is not None and not groups:
            return cls(persona.user_id, persona.groups, persona.name)
        return cls(who, frozenset(groups or ()), who)


@dataclass
class Console:
    core: Core
    identity: Identity
    channel: str
    write: Callable[[str], None] = print
    thread: str = "console"
    # Where charts and other files of replies are written (their paths are printed):
    # a folder private to this user, see files.py.
    files: Path = field(default_factory=private_folder)
    # The embedded simulator, for `sim join`/`sim leave` (None on Tencent Cloud).
    people: People | None = None
    # Told every reply shown (the terminal learns rooms and users for Tab from them).
    seen: list[Callable[[Reply], None]] = field(default_factory=list)
    _actions: dict[int, str] = field(default_factory=dict)
    _numbers: dict[str, int] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.core.listeners.append(self._on_notice)

    @property
    def prompt(self) -> str:
        return f"{self.identity.name}@{self.channel}> "

    def _number(self, action: Action) -> int:
        # Numbers are never reused, so an action shown earlier stays pressable
        # after switching persona (how a second person approves).
        if action.id not in self._numbers:
            n = next(self._counter)
            self._numbers[action.id] = n
            self._actions[n] = action.id
        return self._numbers[action.id]

    def show(self, reply: Reply) -> None:
        for hook in self.seen:
            hook(reply)
        self.write(render(reply, self._number))
        if any(t.columns[:1] == ("Id",) for t in reply.tables):
            self.write("  Decide one with `approve N` or `reject N` (N: its #); [N] is a button.")
        try:
            saved = save_attachments(reply, self.files)
        except UnsafeFolder as error:
            self.write(f"  files not saved: {clean(str(error))}")
            return
        for path in saved:
            self.write(f"  file: {clean(str(path))}")

    async def _on_notice(self, notice: Notice) -> None:
        self.show(notice.reply)

    async def line(self, text: str) -> bool:
        """Handle one line; False when the session should end."""
        text = text.strip()
        if text[:5].lower() == SLASH and text[5:6] in ("", " "):  # `/trtc users 1234`
            text = text[5:].strip()
        if not text or text.startswith("#"):
            return True
        word = text.split()[0].lower()
        if word in ("quit", "exit"):
            return False
        if word == "personas":
            for p in PERSONAS.values():
                self.write(f"  {p.name:8} {p.user_id:10} {p.about}")
            return True
        if word == "as":
            self._switch(text)
            return True
        if word == "sim":
            self._sim(text)
            return True
        if text.isdigit():
            await self._press(int(text))
            return True
        if word in WORDS:
            await self._press_word(WORDS[word], text.split()[1:])
            return True
        reply = await self.core.handle(
            Invocation(
                actor=self.identity.user_id,
                channel=self.channel,
                text=text,
                origin=Origin.CONSOLE,
                usergroups=self.identity.groups,
                thread=self.thread,
            ),
            progress=ProgressLines(self.write),  # `quality 8888` is not silent
        )
        self.show(reply)
        return True

    def _switch(self, text: str) -> None:
        try:
            words = shlex.split(text)[1:]
        except ValueError:
            words = []
        if not words:
            names = ", ".join(PERSONAS)
            self.write(f"✖ say who: as oncall | as lead | as viewer ({names}) or as U123 S0GROUP")
            return
        refused = unknown_persona(words[0])
        if refused is not None:
            self.write(f"✖ {clean(refused)}")
            return
        self.identity = Identity.of(words[0], words[1:])
        groups = ", ".join(sorted(self.identity.groups)) or "no usergroups"
        self.write(f"· you are now {clean(self.identity.user_id)} ({clean(groups)})")

    async def _press_word(self, kind: ActionKind, words: list[str]) -> None:
        """``approve 3``: that button of request #3; ``cancel``: the latest Cancel shown."""
        if len(words) > 1 or (words and not words[0].lstrip("#").isdigit()):
            self.write(f"✖ write {kind.value} N, where N is the request's number (#N)")
            return
        if words:
            op = await self.core.services.store.operations.get(int(words[0].lstrip("#")))
            if op is None:
                self.write(f"✖ there is no request #{words[0].lstrip('#')}")
                return
            await self._press_id(action_id(kind, op))
            return
        shown = [a for a in reversed(self._actions.values()) if _kind(a) is kind]
        if kind in NEEDS_NUMBER or not shown:
            self.write(f"✖ say which request: {kind.value} N (N: its #)")
            return
        await self._press_id(shown[0])

    def _sim(self, text: str) -> None:
        """`sim join ROOM USER` / `sim leave ROOM USER`: someone enters or leaves now."""
        words = text.split()
        if len(words) != 4 or words[1] not in ("join", "leave"):
            self.write("✖ say: sim join ROOM USER | sim leave ROOM USER")
            return
        if self.people is None:
            self.write("✖ sim works with the embedded simulator only, not with Tencent Cloud")
            return
        grammar = self.core.services.grammar
        try:
            room = parse_room(words[2], apps=grammar.apps, default_app=grammar.default_app)
            user = parse_user(words[3])
            move = self.people.join if words[1] == "join" else self.people.leave
            changed = move(room.sdkappid, room.api_room, user)
        except ValueError as error:
            self.write(f"✖ {clean(str(error))}")
            return
        done = "entered" if words[1] == "join" else "left"
        if not changed:
            there = "already in" if words[1] == "join" else "not in"
            self.write(f"· {clean(user)} is {there} room {clean(str(room))}; nothing changed")
            return
        self.write(f"· simulator: {clean(user)} {done} room {clean(str(room))} (callback sent)")

    async def _press(self, number: int) -> None:
        action_id = self._actions.get(number)
        if action_id is None:
            self.write(f"✖ there is no action [{number}]")
            return
        await self._press_id(action_id)

    async def _press_id(self, action_id: str) -> None:
        reply = await self.core.press(
            Press(
                actor=self.identity.user_id,
                channel=self.channel,
                action_id=action_id,
                origin=Origin.CONSOLE,
                usergroups=self.identity.groups,
                thread=self.thread,
            ),
        )
        self.show(reply)

    async def run(self) -> None:
        """On a terminal: the editing prompt (terminal.py). Piped: line by line, each echoed."""
        if sys.stdin.isatty():
            try:
                from bot.console.terminal import run_terminal
            except ImportError:  # prompt_toolkit missing: a plain prompt still works
                await self._plain_prompt()
                return
            # Typed but written to a file (`| tee`): the plain prompt, as before.
            await (run_terminal(self) if sys.stdout.isatty() else self._plain_prompt())
            return
        loop = asyncio.get_running_loop()
        while True:
            text = await loop.run_in_executor(None, sys.stdin.readline)
            if not text:
                return
            self.write(f"{self.prompt}{text.rstrip()}")
            if not await self.line(text):
                return

    async def _plain_prompt(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                text = await loop.run_in_executor(None, input, self.prompt)
            except EOFError:
                return
            if not await self.line(text):
                return


def _kind(action: str) -> ActionKind | None:
    parsed = parse_action_id(action)
    return parsed[0] if parsed is not None else None
