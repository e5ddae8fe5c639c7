"""What a command handler can use: long-lived services plus this invocation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.authz.decision import Decision
from bot.authz.request import AuthzRequest
from bot.core.authorizer import Principal, authorize
from bot.core.grammar import Grammar
from bot.core.invocation import Invocation
from bot.core.notice import Notice, Notify
from bot.core.spec import Args, CommandSpec
from bot.editions import HistoryTerms
from bot.settings import TrtcMode
from bot.store import Store
from bot.store.replicas import new_instance_id
from bot.trtc.client import TrtcClient


class Policies(Protocol):
    """The policy in force (it may be reloaded between two calls)."""

    def evaluate(self, request: AuthzRequest) -> Decision: ...

    def can_approve(self, approver: AuthzRequest, requester: str) -> Decision: ...

    def resource_for(self, sdkappid: int | str) -> str: ...

    def approval_request(
        self,
        pending: AuthzRequest,
        *,
        user_id: str,
        usergroups: Iterable[str],
        channel_id: str,
        context: Mapping[str, str | Sequence[str]] | None = None,
    ) -> AuthzRequest: ...


class Directory(Protocol):
    """Who is in which usergroup: Slack's usergroups, or the console's personas."""

    async def groups_of(self, user_id: str) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class StaticDirectory:
    groups: dict[str, frozenset[str]]

    async def groups_of(self, user_id: str) -> frozenset[str]:
        return self.groups.get(user_id, frozenset())


@dataclass
class Services:
    """Built once at start-up by the composition root; shared by every invocation."""

    trtc: TrtcClient
    store: Store
    policies: Callable[[], Policies]
    directory: Directory
    grammar: Grammar
    registry: Sequence[CommandSpec]
    clock: Callable[[], float]
    mode: TrtcMode = TrtcMode.REAL
    confirm_ttl_s: float = 120.0
    approval_ttl_s: float = 900.0
    watch_ttl_s: float = 4 * 3600.0
    # The account's monitoring edition and history lag, as far as the bot knows them.
    history: HistoryTerms = field(default_factory=HistoryTerms)
    # TRTC's event callbacks reach the bot (a callback key is set, or the simulator
    # sends them): a banned user's rejoin is seen and undone. Without, bans say so.
    rejoins_seen: bool = True
    # This process among the replicas: it owns what it executes (see recovery).
    instance: str = field(default_factory=new_instance_id)
    # The core's notify (set by ``Core``): a command that ends another operation (a
    # mute replaced, an unmute) edits that operation's messages through it.
    notify: Notify | None = field(default=None, repr=False)

    @property
    def label(self) -> str | None:
        """On every reply while the simulator stands in for TRTC: nobody mistakes a
        rehearsal for production."""
        return "SIMULATOR" if self.mode is TrtcMode.SIMULATOR else None

    def authorize(
        self, spec: CommandSpec, args: Args, who: Principal, *, approved: bool = False
    ) -> tuple[AuthzRequest, Decision] | None:
        """``who`` may run ``spec`` with ``args`` in their channel, under the policy in
        force now? None when the command needs no authorization (help, whoami)."""
        return authorize(
            self.policies(),
            spec,
            args,
            actor=who.actor,
            usergroups=who.usergroups,
            channel=who.channel,
            now=self.clock(),
            default_app=self.grammar.default_app,
            approved=approved,
        )


# Shows how a slow command is getting on; adapters edit one status message.
Progress = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Context:
    services: Services
    invocation: Invocation
    # Set when an approved operation runs: who approved it.
    approved_by: str | None = None
    operation_id: int | None = None
    progress: Progress | None = None

    async def tell(self, notice: Notice) -> None:
        """Show ``notice`` where the adapters put notices (no-op without a core)."""
        if self.services.notify is not None:
            await self.services.notify(notice)

    async def report(self, text: str) -> None:
        """Tell the person how far a slow command has got (no-op where unsupported)."""
        if self.progress is not None:
            await self.progress(text)

    @property
    def trtc(self) -> TrtcClient:
        return self.services.trtc

    @property
    def now(self) -> float:
        return self.services.clock()
