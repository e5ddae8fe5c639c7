"""App Home: what you may run and where, approvals waiting for you, your recent actions.

Published with ``views.publish`` when someone opens the tab, and again for
every possible approver when an approval appears or is settled: coalesced (changes
arriving while a round of republishing runs join it), skipped when the view a person
would get is the one they already have, and paced under Slack's ``views.publish``
limit (Tier 4, about 100 a minute per workspace, shared by the replicas). Approval
buttons carry the core's own action ids; the block id says which channel the
request came from, so a press from Home is judged with that channel's
guardrail, as in the thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from bot.authz.policyfile import Attachments
from bot.core.buttons import action_id
from bot.core.dispatcher import Core
from bot.core.home import HomeContent, home_content, may_decide
from bot.core.markup import person, with_names
from bot.core.reply import Action, ActionKind, Reply, Table
from bot.core.values import format_duration
from bot.pacing import LocalPacer, Pace, Pacer
from bot.slack.blocks import (
    Block,
    action_blocks,
    code_chunks,
    context,
    headline_text,
    label_block,
    mrkdwn,
    plain,
    section,
    table_lines,
)
from bot.slack.directory import DirectoryError, SlackDirectory
from bot.slack.markup import channel_link
from bot.slack.names import Names, in_zone
from bot.slack.outbox import Outbox
from bot.slack.payloads import home_block_id
from bot.slack.spans import text_object
from bot.store import Operation

log = logging.getLogger(__name__)

MAX_HOME_BLOCKS = 100
MAX_CHANNELS = 4
MAX_REMEMBERED = 5000  # people whose last published view is remembered
VIEWS_PACE = Pace(100 / 60, burst=20)  # views.publish: Tier 4
# Where the default guardrail applies: any channel the policy does not name.
ELSEWHERE = "C0ELSEWHERE"


class AppHome:
    def __init__(
        self,
        core: Core,
        outbox: Outbox,
        directory: SlackDirectory,
        attachments: Callable[[], Attachments],
        names: Names | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.core = core
        self.outbox = outbox
        self.directory = directory
        self.attachments = attachments
        self.visitors: set[str] = set()
        self.names = names if names is not None else Names(outbox)
        self.pacer = pacer if pacer is not None else LocalPacer(VIEWS_PACE)
        self._shown: OrderedDict[str, str] = OrderedDict()  # user -> digest of their view
        self._pending: set[str] = set()
        self._flushing = False
        self.published = 0  # views.publish calls made (for the bench)

    async def publish(self, user: str, *, banner: Reply | None = None) -> bool:
        """Publish ``user``'s Home; when nothing would change for them, don't (a banner,
        the answer to their own press, is always shown)."""
        self.visitors.add(user)
        view = await self._view_for(user, banner)
        digest = hashlib.blake2b(json.dumps(view, sort_keys=True).encode()).hexdigest()
        if banner is None and self._shown.get(user) == digest:
            return False
        await self.pacer.wait("views.publish")
        self.published += 1
        ok = await self.outbox.publish_home(user, view)
        self._shown.pop(user, None)
        if ok:
            self._shown[user] = digest
            if len(self._shown) > MAX_REMEMBERED:
                self._shown.popitem(last=False)
        return ok

    async def _view_for(self, user: str, banner: Reply | None) -> dict[str, Any]:
        try:
            groups = await self.directory.groups_of(user)
        except DirectoryError as exc:
            log.warning("App Home for %s: %s", user, exc)
            return _view([*_banner_blocks(banner), section(f"⚠️ {_UNAVAILABLE}")])
        channels = sorted(self.attachments().channels)[:MAX_CHANNELS]
        content = await home_content(
            self.core.services, user, groups, channels, elsewhere=ELSEWHERE
        )
        names = await self.names.names(op.requester for op in content.approvals)
        zone = await self.names.zone(user)
        if zone is not None:  # the reader's own time zone, labelled
            content = replace(content, recent=in_zone(content.recent, zone))
        blocks = [
            *label_block(self.core.services.label),
            *_banner_blocks(banner),
            *([section(f"🚨 {content.elevation}")] if content.elevation else []),
            *([section(f"🔴 {content.on_now}")] if content.on_now else []),
            *_approvals(content, names),
            *_permissions(content),
            *_recent(content),
        ]
        return _view(blocks)

    async def refresh_approvers(self, operation_id: int, *, skip: str | None = None) -> int:
        """Republish Home for everyone who may decide this operation (but ``skip``, whose
        Home is being published with a banner). A round already running takes these
        people on instead of a second round starting beside it; returns how many
        views this call published itself."""
        op = await self.core.services.store.operations.get(operation_id)
        if op is None:
            return 0
        attach = self.attachments()
        candidates = set(self.directory.known_users()) | set(attach.users) | self.visitors
        candidates.discard(skip or "")
        for user in sorted(candidates)[:200]:
            try:
                groups = await self.directory.groups_of(user)
            except DirectoryError:
                continue
            if may_decide(self.core.services, op, user, groups):
                self._pending.add(user)
        if self._flushing:
            return 0
        self._flushing = True
        published = 0
        try:
            while self._pending:
                published += await self.publish(self._pending.pop())
        finally:
            self._flushing = False
        return published


def _approvals(content: HomeContent, names: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = [_header("Approvals waiting for you")]
    for op in content.approvals:
        blocks.extend(_approval(op, content.now, names))
    if not content.approvals:
        blocks.append(context(plain("Nothing is waiting for you.")))
    return blocks


def _permissions(content: HomeContent) -> list[Block]:
    blocks: list[Block] = [_header("What you may run")]
    for shown in content.permissions:
        where = f"in {channel_link(shown.channel)}" if shown.channel else "in other channels"
        blocks.append(context(mrkdwn(f"*{where}*")))
        blocks.extend(_code(shown.table))
    return blocks


def _recent(content: HomeContent) -> list[Block]:
    blocks: list[Block] = [_header("Your recent actions")]
    if not content.recent.rows:
        return [*blocks, context(plain("Nothing yet."))]
    return [*blocks, *_code(content.recent)]


def _code(table: Table) -> list[Block]:
    return [{"type": "section", "text": mrkdwn(c)} for c in code_chunks(table_lines(table))]


_UNAVAILABLE = "Your usergroups could not be read from Slack just now; try again in a minute."


def _header(text: str) -> Block:
    return {"type": "header", "text": plain(text, 150)}


def _approval(op: Operation, now: float, names: Mapping[str, str]) -> list[Block]:
    summary = f"#{op.id} {op.summary}"
    requester = with_names(person(op.requester), names)
    details = [("Requested by", requester), ("Expires in", format_duration(op.expires_at - now))]
    if op.reason:
        details.append(("Reason", op.reason))
    actions = (
        Action(ActionKind.APPROVE, action_id(ActionKind.APPROVE, op), "Approve", True),
        Action(ActionKind.REJECT, action_id(ActionKind.REJECT, op), "Reject"),
    )
    return [
        section(summary),
        {
            "type": "context",
            "elements": [
                mrkdwn(f"from {channel_link(op.channel)}"),
                *(text_object(f"{k}: {v}", 2000) for k, v in details),
            ],
        },
        *action_blocks(actions, block_id=home_block_id(op.channel, op.id)),
    ]


def _banner_blocks(reply: Reply | None) -> list[Block]:
    if reply is None:
        return []
    return [section(headline_text(reply)), *(section(line) for line in reply.lines[:3])]


def _view(blocks: Iterable[Block]) -> dict[str, Any]:
    shown = list(blocks)[:MAX_HOME_BLOCKS]
    return {"type": "home", "blocks": shown}
