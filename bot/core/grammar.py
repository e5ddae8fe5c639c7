"""One grammar for `/trtc …`, `@bot …` and the console: text → (spec, Args).

Tokens follow shell quoting (``--reason "two words"``); options may come
anywhere as ``--name value`` or ``--name=value``. Autocorrect's typography
means the same (``--reason “two words”``, ``—for 10m``): see ``ascii_quoting``.
Every failure names the command's usage and an example.
"""

from __future__ import annotations

import difflib
import shlex
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core import values
from bot.core.markup import code
from bot.core.spec import Args, CommandSpec, Option, Param, ParamKind
from bot.core.values import BadValue
from bot.settings import Site
from bot.trtc import sites

SLASH = "/trtc"  # the slash command's name, accepted in front of any command
MAX_TEXT = 2000  # a command longer than this is not something a person typed
MAX_REASON = 500
# Commands the grammar reserves for features still to come.
RESERVED: set[str] = set()


class ParseError(ValueError):
    def __init__(self, message: str, spec: CommandSpec | None = None) -> None:
        super().__init__(message)
        self.spec = spec


@dataclass(frozen=True, slots=True)
class Parsed:
    spec: CommandSpec
    args: Args


@dataclass(frozen=True, slots=True)
class Grammar:
    registry: Sequence[CommandSpec]
    apps: Mapping[str, int]
    default_app: int | None
    # The TRTC site the bot talks to; None: not pinned (a simulator answering as both).
    site: Site | None = None
    # Names that stand for a person where Slack does not link them (the console's personas).
    people: Mapping[str, str] = field(default_factory=dict)

    def spec(self, name: str) -> CommandSpec | None:
        return next((s for s in self.registry if s.name == name), None)

    def unavailable(self, spec: CommandSpec) -> str | None:
        """Why the site cannot do ``spec`` at all, or None: asked before any TRTC call."""
        for action in spec.requires:
            why = sites.unavailable(spec.name, action, self.site)
            if why is not None:
                return why
        return None

    def parse(self, text: str, *, now: float | None = None) -> Parsed:
        """``now``: the core's clock, for a spec's ``check``; the wall clock if not given."""
        if len(text) > MAX_TEXT:
            raise ParseError(f"that is {len(text)} characters; a command is at most {MAX_TEXT}")
        if "\x00" in text:  # nothing types one; PostgreSQL text could not keep it
            words = text.replace("\x00", " ").split()
            raise ParseError(
                "the command contains a NUL character (\\0); remove it and retry",
                self.spec(words[0].lower()) if words else None,
            )
        try:
            tokens = shlex.split(ascii_quoting(text))
        except ValueError:
            raise ParseError('a quote is not closed: write --reason "like this"') from None
        if tokens and tokens[0].lower() == SLASH:  # `/trtc users 1234` typed or pasted
            tokens.pop(0)
        if not tokens:
            raise ParseError(f"say what to do, e.g. {code('help')}")
        name = tokens[0].lower()
        # Two-word commands (`record stop`, `relay stop`) before the one-word ones they extend.
        if len(tokens) > 1 and self.spec(f"{name} {tokens[1].lower()}") is not None:
            name = f"{name} {tokens.pop(1).lower()}"
        spec = self.spec(name)
        if spec is None:
            raise ParseError(self._unknown(name))
        refused = self.unavailable(spec)
        if refused is not None:
            raise ParseError(refused, spec)
        try:
            args = self._args(spec, tokens[1:])
            if spec.check is not None:
                spec.check(args, time.time() if now is None else now)
        except BadValue as exc:
            raise ParseError(str(exc), spec) from None
        return Parsed(spec, args)

    def _unknown(self, name: str) -> str:
        if name in RESERVED:
            return f"{code(name)} is not available yet"
        names = [s.name for s in self.registry]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" Did you mean {code(close[0])}?" if close else ""
        return f"unknown command {code(name)}.{hint} Try {code('help')}."

    def _args(self, spec: CommandSpec, tokens: list[str]) -> Args:
        positional, raw_options = _split_options(spec, tokens)
        args = Args()
        for option in spec.options:
            raw = raw_options.get(option.name)
            if option.kind is ParamKind.FLAG:
                args[option.name] = raw is not None
                continue
            args[option.name] = (
                option.default if raw is None else self._value(option.kind, raw, option)
            )
        queue = list(positional)
        for param in spec.params:
            if param.variadic:
                taken, queue = queue, []
                if not taken and not param.optional:
                    raise BadValue(f"name at least one {param.name.rstrip('s')}")
                parsed = [self._value(param.kind, t, param) for t in taken]
                _no_duplicates(parsed)
                args[param.name] = parsed
            elif queue:
                args[param.name] = self._value(param.kind, queue.pop(0), param)
            elif param.optional:
                args[param.name] = None
            else:
                raise BadValue(f"<{param.name}> is missing")
        if queue:
            raise BadValue(f"unexpected {' '.join(queue)!r}")
        missing = [o for o in spec.options if o.required and o.name not in raw_options]
        if missing:
            raise BadValue(f"--{missing[0].name} is missing")
        return args

    def _value(self, kind: ParamKind, raw: str, where: Param | Option) -> Any:
        match kind:
            case ParamKind.ROOM:
                everywhere = isinstance(where, Param) and where.everywhere
                return values.parse_room(
                    raw, apps=self.apps, default_app=self.default_app, everywhere=everywhere
                )
            case ParamKind.USER:
                return values.parse_user(raw)
            case ParamKind.SLACK_USER:
                return values.parse_slack_user(raw, self.people)
            case ParamKind.DURATION:
                assert isinstance(where, Option)
                return values.parse_duration(raw, minimum=where.minimum, maximum=where.maximum)
            case ParamKind.COUNT:
                lo, hi = (where.minimum, where.maximum) if isinstance(where, Option) else (1, 100)
                return values.parse_count(raw, minimum=lo, maximum=hi)
            case ParamKind.CLOCK:
                return values.parse_clock(raw)
            case ParamKind.APP:
                return values.resolve_app(raw.strip(), self.apps, self.default_app)[0]
            case ParamKind.FLAG:
                return True
            case ParamKind.URL:
                return values.parse_url(raw)
            case ParamKind.TASK:
                return values.parse_task(raw)
            case ParamKind.ROOM_OR_TASK:
                if values.is_task_id(raw):
                    return values.parse_task(raw)
                return values.parse_room(raw, apps=self.apps, default_app=self.default_app)
            case ParamKind.COMMAND:
                name = raw.lower()
                if self.spec(name) is None:
                    raise BadValue(self._unknown(name))
                return name
            case ParamKind.TEXT:
                text = raw.strip()
                if not text:
                    raise BadValue(f"--{where.name} is empty")
                if len(text) > MAX_REASON:
                    raise BadValue(
                        f"--{where.name} is {len(text)} characters; at most {MAX_REASON}"
                    )
                return text


def _split_options(spec: CommandSpec, tokens: list[str]) -> tuple[list[str], dict[str, str]]:
    known = {o.name for o in spec.options}
    flags = {o.name for o in spec.options if o.kind is ParamKind.FLAG}
    positional: list[str] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("--") and len(token) > 2:
            name, eq, value = token[2:].partition("=")
            if name not in known:
                offered = ", ".join(f"--{n}" for n in sorted(known)) or "none"
                raise BadValue(f"unknown option --{name} (this command takes: {offered})")
            if name in options:
                raise BadValue(f"--{name} is given twice")
            if name in flags:
                if eq:
                    raise BadValue(f"--{name} takes no value")
                value = ""
            elif not eq:
                i += 1
                if i >= len(tokens):
                    raise BadValue(f"--{name} needs a value")
                value = tokens[i]
            options[name] = value
        else:
            positional.append(token)
        i += 1
    return positional, options


def _no_duplicates(items: list[Any]) -> None:
    seen: set[Any] = set()
    for item in items:
        if item in seen:
            raise BadValue(f"{item} is named twice")
        seen.add(item)


_DOUBLE = "“”„"  # typographic double quotes: any opens, “ or ” closes
_SINGLE = "‘’‚"  # typographic single quotes; between two letters, an apostrophe
_DASHES = "—–"  # em and en dash: what macOS and iOS make of a typed ``--``


def ascii_quoting(text: str) -> str:
    """``text`` with autocorrect's quotes and dashes as the ASCII ones they replaced.

    Slack clients turn ``"`` into “ ”, ``'`` into ‘ ’ and ``--`` into —, so
    ``--reason “two words”`` would split in two. A typographic quote outside any
    quote is a quote (its content becomes one ASCII-quoted, literal string); a dash
    starting a bare word before a letter is ``--``. Inside quotes nothing changes,
    and a line without typography is returned as it is, so its parse is shlex's."""
    out: list[str] = []
    closers = ""  # the characters that close the quote we are in; "" when outside
    ascii_quote = ""  # the ASCII quote we are in (its content is shlex's business)
    start = True  # at the start of a bare word
    i = 0
    while i < len(text):
        c = text[i]
        if ascii_quote:
            if c == "\\" and ascii_quote == '"' and i + 1 < len(text):
                out.append(text[i : i + 2])
                i += 2
                continue
            ascii_quote = "" if c == ascii_quote else ascii_quote
            out.append(c)
        elif closers:
            if c in closers and not (c in _SINGLE and _inside_word(text, i)):
                closers = ""
                out.append("'")
            else:
                out.append("'\\''" if c == "'" else c)
        elif c == "\\":
            out.append(text[i : i + 2])
            i += 2
            start = False
            continue
        elif c in "'\"":
            ascii_quote = c
            out.append(c)
        elif c in _DOUBLE or (c in _SINGLE and not _inside_word(text, i)):
            closers = "“”" if c in _DOUBLE else "‘’"
            out.append("'")
        elif c in _DASHES and start and text[i + 1 : i + 2].isalpha():
            out.append("--")
        else:
            out.append(c)
        start = not ascii_quote and not closers and c.isspace()
        i += 1
    return "".join(out)


def _inside_word(text: str, i: int) -> bool:
    """``don’t``: a single quote between two letters or digits is an apostrophe."""
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
