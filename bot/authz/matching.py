"""Action and resource patterns, compiled once when a policy is loaded.

Actions: `service:Action` or `name/service:Action`, compared without regard to
letter case (CAM does not say; a deny must never miss because of capitals).
Resources: the six-segment qcs name, compared case-sensitively; an empty policy
segment matches any value of that segment. Wildcards: `*` is any run of
characters and `?` exactly one, in actions, resources and `string_like` values
(AWS's rule; CAM documents `*` only). In the first five resource segments a
wildcard stays inside its segment; in the last one it may cross `/` and `:`.
Policy variables (`${uin}`, `${owner_uin}`, `${<context key>}`) may appear only
in the last resource segment; `${owner_uin}` and the preset owner `uin/-1` become
the configured account UIN at load time, the others are read from the request
context, whose value is matched literally. A variable without a single value
makes the statement not match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.authz.errors import PolicyError, shown
from bot.authz.request import USER_ID, ContextLookup, normalize_action

_ACTION_SYNTAX = re.compile(r"[A-Za-z0-9_*?-]+:[A-Za-z0-9_*?]+")
VARIABLE = re.compile(r"\$\{([A-Za-z0-9_:./-]+)\}")
_ACCOUNT_SYNTAX = re.compile(r"(?:uin|uid)/[^/:]+")

# Wildcard elements of a pattern matched without a regex (see `wildcard_match`).
STAR = 0
ONE = 1
PatternElement = str | int


def glob_regex(pattern: str, *, star: str = ".*", one: str = ".") -> str:
    """The regex source for a `*`/`?` glob; every other character is literal."""
    out = []
    for char in pattern:
        if char == "*":
            out.append(star)
        elif char == "?":
            out.append(one)
        else:
            out.append(re.escape(char))
    return "".join(out)


def glob_elements(pattern: str) -> list[PatternElement]:
    return [STAR if c == "*" else ONE if c == "?" else c for c in pattern]


def wildcard_match(pattern: Sequence[PatternElement], text: str) -> bool:
    """Glob matching without compiling anything (used where a variable was substituted)."""
    p = t = 0
    star_p, star_t = -1, 0
    size = len(pattern)
    while t < len(text):
        if p < size and (pattern[p] == ONE or pattern[p] == text[t]):
            p += 1
            t += 1
        elif p < size and pattern[p] == STAR:
            star_p, star_t = p, t
            p += 1
        elif star_p >= 0:
            p = star_p + 1
            star_t += 1
            t = star_t
        else:
            return False
    while p < size and pattern[p] == STAR:
        p += 1
    return p == size


def resolve_variable(name: str, ctx: ContextLookup) -> str | None:
    value = ctx.get(USER_ID if name == "uin" else name)
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class ActionMatcher:
    any: bool
    exact: frozenset[str]
    pattern: re.Pattern[str] | None
    # Each glob as written (normalised) with its regex: for the unknown-action warnings.
    globs: tuple[tuple[str, re.Pattern[str]], ...] = ()

    def matches(self, action_key: str) -> bool:
        """`action_key` is already normalised (see `request.normalize_action`)."""
        if self.any or action_key in self.exact:
            return True
        return self.pattern is not None and self.pattern.fullmatch(action_key) is not None


def compile_actions(values: Sequence[str]) -> ActionMatcher:
    everything = False
    exact: set[str] = set()
    globs: list[str] = []
    written: list[tuple[str, re.Pattern[str]]] = []
    for index, value in enumerate(values):
        text = value.strip()
        lowered = text.lower()
        if lowered.startswith(("permid/", "permit/")):
            raise PolicyError(
                f"{shown(value)}: feature-set IDs cannot be mapped to TRTC actions; "
                "write `service:Action` instead",
                field=f"action[{index}]",
            )
        key = normalize_action(text)
        if key == "*":
            everything = True
            continue
        if not _ACTION_SYNTAX.fullmatch(key):
            raise PolicyError(
                f"{shown(value)} is not an action; expected `service:Action`, "
                "`name/service:Action` or `*` (wildcards `*` and `?`)",
                field=f"action[{index}]",
            )
        if "*" in key or "?" in key:
            globs.append(glob_regex(key))
            written.append((key, re.compile(globs[-1], re.DOTALL)))
        else:
            exact.add(key)
    if everything:
        return ActionMatcher(True, frozenset(), None)
    pattern = re.compile("|".join(f"(?:{g})" for g in globs), re.DOTALL) if globs else None
    return ActionMatcher(False, frozenset(exact), pattern, tuple(written))


@dataclass(frozen=True, slots=True)
class DynamicResource:
    """A resource pattern whose last segment holds a policy variable."""

    prefix: re.Pattern[str]
    last: tuple[tuple[bool, str], ...]  # (is_variable, text) pieces

    def matches(self, resource: str, ctx: ContextLookup) -> bool:
        head = self.prefix.match(resource)
        if head is None:
            return False
        elements: list[PatternElement] = []
        for is_variable, text in self.last:
            if not is_variable:
                elements.extend(glob_elements(text))
                continue
            value = resolve_variable(text, ctx)
            if value is None:
                return False
            elements.extend(value)
        return wildcard_match(elements, resource[head.end() :])


@dataclass(frozen=True, slots=True)
class ResourceMatcher:
    any: bool
    exact: frozenset[str]
    pattern: re.Pattern[str] | None
    dynamic: tuple[DynamicResource, ...]
    # resource -> does `pattern` match it; a bot sees a handful of applications
    seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def matches(self, resource: str, ctx: ContextLookup) -> bool:
        if self.any or resource in self.exact:
            return True
        if self.pattern is not None:
            hit = self.seen.get(resource)
            if hit is None:
                hit = self.pattern.fullmatch(resource) is not None
                if len(self.seen) >= _SEEN_LIMIT:
                    self.seen.clear()
                self.seen[resource] = hit
            if hit:
                return True
        if self.dynamic:
            return any(d.matches(resource, ctx) for d in self.dynamic)
        return False


_SEEN_LIMIT = 4096


def compile_resources(values: Sequence[str], *, account_uin: str) -> ResourceMatcher:
    everything = False
    exact: set[str] = set()
    regexes: list[str] = []
    dynamic: list[DynamicResource] = []
    for index, value in enumerate(values):
        where = f"resource[{index}]"
        if value == "*":
            everything = True
            continue
        text = value.replace("${owner_uin}", account_uin)
        segments = text.split(":", 5)
        if len(segments) != 6:
            raise PolicyError(
                f"{shown(value)} has {len(segments)} of the six ':'-separated segments of a qcs "
                "name (qcs:project:service:region:account:resource), or write '*'",
                field=where,
            )
        if segments[0] != "qcs":
            raise PolicyError(f"{shown(value)} must start with 'qcs:'", field=where)
        if segments[4] == "uin/-1":
            segments[4] = f"uin/{account_uin}"
        if segments[4] and not _ACCOUNT_SYNTAX.fullmatch(segments[4]):
            raise PolicyError(
                f"{shown(value)}: the account segment must be empty, uin/<uin> or uid/<appid>",
                field=where,
            )
        if not segments[5]:
            raise PolicyError(f"{shown(value)}: the last (resource) segment is empty", field=where)
        if any("${" in s for s in segments[:5]):
            raise PolicyError(
                f"{shown(value)}: policy variables are allowed only in the last segment",
                field=where,
            )
        head = ":".join(_segment_regex(s) for s in segments[:5])
        if "${" in segments[5]:
            dynamic.append(
                DynamicResource(re.compile(head + ":"), template(segments[5], field=where))
            )
            continue
        literal = not any(c in "*?" for c in text)
        if literal and all(segments[1:5]):
            exact.add(text)
            continue
        if literal:
            exact.add(text)  # fast path for the common request form
        regexes.append(head + ":" + glob_regex(segments[5]))
    if everything:
        return ResourceMatcher(True, frozenset(), None, ())
    pattern = re.compile("|".join(f"(?:{r})" for r in regexes), re.DOTALL) if regexes else None
    return ResourceMatcher(False, frozenset(exact), pattern, tuple(dynamic))


def _segment_regex(segment: str) -> str:
    if not segment:
        return "[^:]*"
    return glob_regex(segment, star="[^:]*", one="[^:]")


def template(text: str, *, field: str) -> tuple[tuple[bool, str], ...]:
    """Split a value holding policy variables into literal and variable pieces."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for found in VARIABLE.finditer(text):
        if found.start() > position:
            pieces.append((False, text[position : found.start()]))
        pieces.append((True, found.group(1)))
        position = found.end()
    if position < len(text):
        pieces.append((False, text[position:]))
    if any("${" in piece for is_var, piece in pieces if not is_var):
        raise PolicyError(
            f"{shown(text)}: malformed policy variable (write ${{name}})", field=field
        )
    return tuple(pieces)
