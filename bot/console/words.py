"""What Tab completes: commands, console words, personas, and the rooms and users seen.

Rooms and users are learnt from what was typed (this session's lines and the history
file's, read through the one grammar) and from the tables replies show (``Room``,
``User`` columns), so completion needs no TRTC call of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.console.personas import PERSONAS
from bot.core.grammar import Grammar, ParseError
from bot.core.reply import Reply
from bot.core.spec import ParamKind
from bot.trtc.rooms import RoomRef

CONSOLE_WORDS = ("as", "personas", "sim", "approve", "reject", "confirm", "cancel", "undo", "quit")
_ROOM_COLUMNS = {"Room"}
_USER_COLUMNS = {"User", "Created by"}
_KEEP = 500  # of each; the newest kept


class Vocabulary:
    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        self.rooms: dict[str, None] = {}  # insertion-ordered sets
        self.users: dict[str, None] = {}

    @property
    def commands(self) -> list[str]:
        names = {spec.name.split()[0] for spec in self.grammar.registry}
        return sorted(names | set(CONSOLE_WORDS))

    def candidates(self, words: list[str]) -> Iterable[str]:
        """Completions for the word after ``words`` (those already typed whole)."""
        if words and words[0].lower() == "/trtc":
            words = words[1:]
        if not words:
            return self.commands
        first, at = words[0].lower(), len(words) - 1  # at: the argument being typed, from 0
        fixed: dict[str, tuple[Iterable[str], ...]] = {
            "as": (PERSONAS,),
            "help": (self.commands,),
            "can": (PERSONAS, self.commands, self.rooms),
            "sim": (("join", "leave"), self.rooms, self.users),
        }
        if first in fixed:
            return list(fixed[first][at]) if at < len(fixed[first]) else ()
        subs = [s.name.split()[1] for s in self.grammar.registry if s.name.startswith(first + " ")]
        spec = self.grammar.spec(first)
        if subs and at == 0:
            return [*subs, *(self.rooms if spec is not None else ())]
        if subs and self.grammar.spec(f"{first} {words[1].lower()}") is not None:
            spec, at = self.grammar.spec(f"{first} {words[1].lower()}"), at - 1
        if spec is None or not spec.params:
            return ()
        param = spec.params[min(at, len(spec.params) - 1)]
        if at >= len(spec.params) and not param.variadic:
            return ()
        if param.kind.names_room:
            return list(self.rooms)
        if param.kind in (ParamKind.USER, ParamKind.SLACK_USER):
            return list(self.users)
        return ()

    def learn_line(self, text: str) -> None:
        """The rooms and users in a command line (one that parses; others teach nothing)."""
        try:
            parsed = self.grammar.parse(text)
        except (ParseError, ValueError):
            return
        for param in parsed.spec.params:
            value = parsed.args.get(param.name)
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, RoomRef):
                    same_app = one.sdkappid == self.grammar.default_app
                    self._add(self.rooms, one.room if same_app else str(one))
                elif param.kind is ParamKind.USER and isinstance(one, str):
                    self._add(self.users, one)

    def learn_reply(self, reply: Reply) -> None:
        for table in reply.tables:
            for i, column in enumerate(table.columns):
                into = (
                    self.rooms
                    if column in _ROOM_COLUMNS
                    else self.users
                    if column in _USER_COLUMNS
                    else None
                )
                if into is not None:
                    for row in table.rows:
                        if i < len(row) and row[i] and " " not in row[i]:
                            self._add(into, row[i])

    @staticmethod
    def _add(into: dict[str, None], word: str) -> None:
        into.pop(word, None)
        into[word] = None
        if len(into) > _KEEP:
            del into[next(iter(into))]
