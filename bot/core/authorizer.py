"""Turn a parsed command into the CAM question the policy engine answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from bot.authz.decision import Decision, Effect
from bot.authz.request import (
    APPROVED,
    CURRENT_TIME,
    ROOM_ID,
    SDKAPPID,
    AuthzRequest,
)
from bot.core.spec import AUTHORIZE_AS, AUTHORIZE_ROOM, Args, CommandSpec, ParamKind
from bot.trtc.rooms import RoomRef

if TYPE_CHECKING:
    from bot.core.context import Policies

ANY_RESOURCE = "*"


class Principal(Protocol):
    """Whom a policy question is about: an ``Invocation``, a ``Press``, a ``Person``."""

    @property
    def actor(self) -> str: ...

    @property
    def usergroups(self) -> frozenset[str]: ...

    @property
    def channel(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Person:
    """Someone asked about rather than asking (``can @alice``, a permission table)."""

    actor: str
    usergroups: frozenset[str]
    channel: str


def iso_time(now: float) -> str:
    return datetime.fromtimestamp(now, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_request(
    policies: Policies,
    *,
    actor: str,
    usergroups: frozenset[str],
    channel: str,
    action: str,
    room: RoomRef | None,
    sdkappid: int | None,
    now: float,
    approved: bool = False,
    extra: dict[str, str] | None = None,
) -> AuthzRequest:
    context: dict[str, str] = {
        CURRENT_TIME: iso_time(now),
        APPROVED: "true" if approved else "false",
    }
    app = room.sdkappid if room is not None else sdkappid
    if app is not None:
        context[SDKAPPID] = str(app)
    if room is not None:
        context[ROOM_ID] = room.room
    if extra:
        context.update(extra)
    return AuthzRequest(
        user_id=actor,
        usergroups=usergroups,
        channel_id=channel,
        action=action,
        resource=policies.resource_for(app) if app is not None else ANY_RESOURCE,
        context=context,
    )


def room_of(spec: CommandSpec, args: Args) -> RoomRef | None:
    """The room named in the arguments, else the one the spec's ``locate`` found."""
    for param in spec.params:
        if param.kind.names_room and isinstance(args.get(param.name), RoomRef):
            value = args[param.name]
            assert isinstance(value, RoomRef)
            return value
    located = args.get(AUTHORIZE_ROOM)
    return located if isinstance(located, RoomRef) else None


def authorize(
    policies: Policies,
    spec: CommandSpec,
    args: Args,
    *,
    actor: str,
    usergroups: frozenset[str],
    channel: str,
    now: float,
    default_app: int | None,
    approved: bool = False,
) -> tuple[AuthzRequest, Decision] | None:
    """None when the command needs no authorization (help, whoami). Arguments that say
    the request is also another action (``AUTHORIZE_AS``), and the further actions a spec
    calls (``also``), are each decided: the strictest wins (of equals, the first), so a
    refusal names the action refused."""
    if spec.action is None:
        return None
    room = room_of(spec, args)
    # An application named by an option (``--app``) is the resource; else the default one.
    chosen = next(
        (args[o.name] for o in spec.options if o.kind is ParamKind.APP and args.get(o.name)),
        default_app,
    )
    extra = dict(spec.context(args)) if spec.context is not None else None
    actions = [spec.action(args), *(spec.also(args) if spec.also is not None else ())]
    if isinstance(args.get(AUTHORIZE_AS), str):
        actions.insert(0, args[AUTHORIZE_AS])
    decided = []
    for action in actions:
        request = build_request(
            policies,
            actor=actor,
            usergroups=usergroups,
            channel=channel,
            action=action,
            room=room,
            sdkappid=chosen if room is None else None,
            now=now,
            approved=approved,
            extra=extra,
        )
        decided.append((request, policies.evaluate(request)))
    return max(decided, key=lambda auth: _STRICTNESS[auth[1].effect])


# Deny beats approval beats allow; of equals, the first (the action it is authorized as).
_STRICTNESS = {Effect.ALLOW: 0, Effect.NEEDS_APPROVAL: 1, Effect.DENY: 2}
