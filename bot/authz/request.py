"""What is asked of the engine, and the condition context built from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

# A context value: one string, or several (multi-valued keys such as slack:usergroup).
ContextValue = str | tuple[str, ...]

# Keys trtc-chatops puts into the context. None of them exists in real CAM.
ROOM_ID = "trtc:room_id"
SDKAPPID = "trtc:sdkappid"
USER_ID = "slack:user_id"
CHANNEL_ID = "slack:channel_id"
USERGROUP = "slack:usergroup"
CURRENT_TIME = "qcs:current_time"
APPROVED = "chatops:approved"
REQUESTED_ACTION = "chatops:requested_action"
REQUESTER = "chatops:requester"
# How long a break-glass elevation asks for, in seconds (numeric conditions cap it).
ELEVATION_SECONDS = "chatops:elevation_seconds"
CONTEXT_KEYS = frozenset(
    {
        ROOM_ID,
        SDKAPPID,
        USER_ID,
        CHANNEL_ID,
        USERGROUP,
        CURRENT_TIME,
        APPROVED,
        REQUESTED_ACTION,
        REQUESTER,
        ELEVATION_SECONDS,
    }
)

APPROVE_ACTION = "chatops:Approve"
# Break-glass: for a while, what needs approval runs on one's own confirmation.
ELEVATE_ACTION = "chatops:Elevate"
# Every action of trtc-chatops's own (not TRTC's) the bot asks the policy about; a policy
# naming another `chatops:` action (a typo) is warned about by `policy check`.
CHATOPS_ACTIONS = (
    APPROVE_ACTION,
    "chatops:ListApprovals",
    "chatops:ReadAudit",
    ELEVATE_ACTION,
    "chatops:ListElevations",
    "chatops:Ban",  # ban a user from a room, or every room (`*`), and keep them out
    "chatops:Unban",
    "chatops:ListMutes",
    "chatops:ListWatches",
    "chatops:ListRelays",
)


class ContextLookup(Protocol):
    """Anything conditions can read a context value from (a dict, a RequestContext)."""

    def get(self, key: str, /) -> ContextValue | None: ...


def normalize_action(action: str) -> str:
    """`name/trtc:RemoveUser` and `TRTC:removeuser` both become `trtc:removeuser`."""
    text = action.strip()
    if text[:5].lower() == "name/":
        text = text[5:]
    return text.lower()


@dataclass(frozen=True, slots=True)
class AuthzRequest:
    """One question: may this Slack user, in this channel, do `action` on `resource`?

    `action` is `trtc:RemoveUser` or `name/trtc:RemoveUser`; `resource` is a qcs
    name such as `qcs::trtc::uin/100000000001:sdkappid/1400000001` (or `*` for an
    operation-level API). The engine itself adds `slack:user_id`,
    `slack:channel_id` and `slack:usergroup` to `context` (overriding any caller
    value), and `trtc:sdkappid` from the resource when the caller did not give it.
    """

    user_id: str
    usergroups: frozenset[str]
    channel_id: str
    action: str
    resource: str
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict, hash=False)
    action_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.usergroups, frozenset):
            groups: Iterable[str] = self.usergroups
            object.__setattr__(self, "usergroups", frozenset(groups))
        object.__setattr__(self, "action_key", normalize_action(self.action))


class RequestContext:
    """The condition context of one request, read key by key.

    Most statements carry no condition, so most decisions read nothing; nothing
    is copied up front.
    """

    __slots__ = ("_groups", "_overrides", "_request")

    def __init__(
        self, request: AuthzRequest, overrides: Mapping[str, ContextValue] | None = None
    ) -> None:
        self._request = request
        self._overrides = overrides
        self._groups: tuple[str, ...] | None = None

    def get(self, key: str) -> ContextValue | None:
        if self._overrides and key in self._overrides:
            return self._overrides[key]
        req = self._request
        if key in _ENGINE_KEYS:
            if key == USER_ID:
                return req.user_id
            if key == CHANNEL_ID:
                return req.channel_id
            groups = self._groups
            if groups is None:
                groups = self._groups = tuple(sorted(req.usergroups))
            return groups
        value = req.context.get(key)
        if value is None:
            return sdkappid_of(req.resource) if key == SDKAPPID else None
        return value if isinstance(value, str) else _as_value(value)

    def with_overrides(self, overrides: Mapping[str, ContextValue]) -> RequestContext:
        merged = dict(self._overrides or {})
        merged.update(overrides)
        return RequestContext(self._request, merged)


_ENGINE_KEYS = frozenset({USER_ID, CHANNEL_ID, USERGROUP})


def sdkappid_of(resource: str) -> str | None:
    """The SdkAppId named by a TRTC resource, if it names one."""
    head, sep, tail = resource.rpartition(":sdkappid/")
    if not sep or not head.startswith("qcs:") or not tail or "*" in tail:
        return None
    return tail


def _as_value(value: object) -> ContextValue:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Iterable):
        return tuple(_scalar(v) for v in value)
    return str(value)


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
