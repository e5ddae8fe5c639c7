"""Turn a parsed command into the CAM question the policy engine answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from bot.authz.decision import Decision
from bot.authz.request import (
    APPROVED,
    CURRENT_TIME,
    ROOM_ID,
    SDKAPPID,
    AuthzRequest,
)
from bot.core.spec import Args, CommandSpec
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
    for param in spec.params:
        if param.kind.names_room and isinstance(args.get(param.name), RoomRef):
            value = args[param.name]
            assert isinstance(value, RoomRef)
            return value
    return None


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
    """None when the command needs no authorization (help, whoami)."""
    if spec.action is None:
        return None
    room = room_of(spec, args)
    request = build_request(
        policies,
        actor=actor,
        usergroups=usergroups,
        channel=channel,
        action=spec.action(args),
        room=room,
        sdkappid=default_app if room is None else None,
        now=now,
        approved=approved,
    )
    return request, policies.evaluate(request)
