"""What a command handler can use: long-lived services plus this invocation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import SecretStr

from bot.authz.decision import Decision
from bot.authz.request import AuthzRequest
from bot.core.authorizer import Principal, authorize
from bot.core.grammar import Grammar
from bot.core.invocation import Invocation
from bot.core.notice import Notice, Notify
from bot.core.recording import RecordingTerms
from bot.core.spec import Args, CommandSpec
from bot.core.timetable import DigestPlan
from bot.editions import HistoryTerms
from bot.relay_templates import RelayTemplates, default_templates
from bot.settings import TrtcMode
from bot.store import Store
from bot.store.replicas import new_instance_id
from bot.trtc.client import TrtcClient
from bot.usage.prices import Prices


class Policies(Protocol):
    """The policy in force (it may be reloaded between two calls)."""

    def evaluate(self, request: AuthzRequest) -> Decision: ...

    def can_approve(self, approver: AuthzRequest, requester: str) -> Decision: ...

    def resource_for(self, sdkappid: int | str) -> str: ...

    def principals(self) -> tuple[frozenset[str], frozenset[str]]: ...
    @property
    def recording_privacy(self) -> str | None:
        """The policy file's own privacy line for `record` (None: the default)."""
        ...

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

    async def members(self, group: str) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class StaticDirectory:
    groups: dict[str, frozenset[str]]

    async def groups_of(self, user_id: str) -> frozenset[str]:
        return self.groups.get(user_id, frozenset())

    async def members(self, group: str) -> frozenset[str]:
        return frozenset(user for user, groups in self.groups.items() if group in groups)


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
    # Where approval requests, reminders and break-glass announcements also go.
    approvals_channel: str | None = None
    # Mentioned when a pending approval reaches three quarters of its time unanswered.
    escalation_usergroup: str | None = None
    # How many eligible approvers a reminder DMs at most.
    reminder_max_people: int = 10
    # The account's monitoring edition and history lag, as far as the bot knows them.
    history: HistoryTerms = field(default_factory=HistoryTerms)
    # TRTC's event callbacks reach the bot (a callback key is set, or the simulator
    # sends them): a banned user's rejoin is seen and undone. Without, bans say so.
    rejoins_seen: bool = True
    # This process among the replicas: it owns what it executes (see recovery).
    instance: str = field(default_factory=new_instance_id)
    # The operator's price table (TRTC_CHATOPS_PRICES); None: usage in minutes only.
    prices: Prices | None = None
    # The daily usage digest and spike alerts (TRTC_CHATOPS_DIGEST_*); None: off.
    digest: DigestPlan | None = None
    # What `record` needs (storage, robot id, SDK secret); None: recording not set up.
    recording: RecordingTerms | None = None
    # The core's notify (set by ``Core``): a command that ends another operation (a
    # mute replaced, an unmute) edits that operation's messages through it.
    notify: Notify | None = field(default=None, repr=False)
    # What robots the bot sends into rooms sign their UserSig with (TRTC_SDK_SECRET_KEY,
    # or the embedded simulator's own); None: a command that needs one says so.
    sdk_secret: SecretStr | None = field(default=None, repr=False)
    # What `relay start` sends (TRTC_CHATOPS_RELAY_TEMPLATES, checked at start-up).
    relay_templates: RelayTemplates = field(default_factory=default_templates)

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
