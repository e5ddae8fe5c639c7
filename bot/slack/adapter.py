"""Slack in, core, Slack out: the translations, and nothing else.

Identity is the user id of the signed payload and the usergroups Slack says
they are in; the text is what they typed, unescaped. Replies come back as
structured ``Reply`` values and leave as Block Kit. An operation's messages
(the thread reply, the approvals-channel copy, a slash command's parent) are
remembered, so a press, an expiry or an Undo edits all of them in place. What
Slack refuses to post where it belongs takes a detour (``detours.py``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.core.dispatcher import Core
from bot.core.invocation import Invocation, Origin, Press
from bot.core.notice import Notice
from bot.core.reply import Reply, Severity
from bot.slack.advice import advice
from bot.slack.blocks import (
    Message,
    headline_text,
    parent_message,
    progress_message,
    render,
)
from bot.slack.detours import Detours, Respond
from bot.slack.directory import DirectoryError, SlackDirectory
from bot.slack.home import AppHome
from bot.slack.markup import escape
from bot.slack.names import Names
from bot.slack.outbox import Outbox
from bot.slack.payloads import ButtonPress, Mention, SlashCommand
from bot.slack.progress import StatusMessage
from bot.slack.spans import named
from bot.slack.tasks import Tasks
from bot.store.messages import Messages, Shown, Style

log = logging.getLogger(__name__)

KEYED_MESSAGES = 1000  # live-feed status messages remembered for editing

NO_GROUPS = Reply(
    "Your usergroups could not be read from Slack just now, so nothing was run; "
    "try again in a minute.",
    Severity.ERROR,
    private=True,
)


class SlackAdapter:
    def __init__(
        self,
        core: Core,
        outbox: Outbox,
        messages: Messages,
        directory: SlackDirectory,
        home: AppHome,
        *,
        approvals_channel: str | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        progress_interval: float = 2.0,
        names: Names | None = None,
    ) -> None:
        self.core = core
        self.outbox = outbox
        self.messages = messages
        self.directory = directory
        self.home = home
        self.approvals_channel = approvals_channel
        self._clock = clock
        self._monotonic = monotonic
        self._progress_interval = progress_interval
        self.tasks = Tasks(monotonic)
        self.detours = Detours(core, outbox, messages, clock=clock)
        self.names = names if names is not None else Names(outbox, clock=monotonic)
        # Status messages named by Notice.key, newest last, so a live feed edits
        # one message per thread; bounded, and per process (so is the feed).
        self._keyed: OrderedDict[tuple[str, str | None, str], str] = OrderedDict()

    @property
    def label(self) -> str | None:
        return self.core.services.label

    @property
    def _no_groups(self) -> Reply:  # labelled like every reply, though the core never saw it
        return replace(NO_GROUPS, label=self.label)

    # -- ways in -----------------------------------------------------------------

    async def command(
        self,
        command: SlashCommand,
        *,
        respond: Respond,
        delivery: str | None = None,
        parent: str | None = None,
        posted: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        """``/trtc …`` (already acknowledged): a visible parent, the result in its thread.

        ``parent`` is a parent message posted for it before (by a replica that died);
        ``posted`` is told the parent's ts as soon as it exists."""
        user, channel = command.user, command.channel
        text = command.text.strip() or "help"
        typed = command.typed.strip() or escape(text)  # as Slack sent it, to show it
        groups = await self._groups(user)
        if groups is None:
            await self.core.not_run(
                Invocation(user, channel, text, Origin.SLASH, delivery=delivery), "no usergroups"
            )
            await respond(text=render(self._no_groups)[0].text, response_type="ephemeral")
            return
        status = self._status(channel, None, lambda s: parent_message(self.label, user, typed, s))
        parent, error = await status.open("Working…", reuse=parent)
        if parent is not None and posted is not None:
            await posted(parent)
        if parent is None:
            await self.core.not_run(
                Invocation(user, channel, text, Origin.SLASH, groups, delivery=delivery),
                f"could not post in the channel: {error}",
            )
            await respond(
                text=f"I could not post in this channel. {advice(error)} Nothing was run.",
                response_type="ephemeral",
            )
            return
        inv = Invocation(
            user, channel, text, Origin.SLASH, groups, thread=parent, delivery=delivery
        )
        reply = await self.names.settle(await self.core.handle(inv, progress=status.report), user)
        await status.close()
        ts = await self.deliver(
            reply, channel=channel, thread=parent, actor=user, who=inv, respond=respond
        )
        outcome = "Answered privately." if reply.private else headline_text(reply)
        if ts is None and not reply.private:
            outcome += " (Slack would not take the details here; they went to the requester.)"
        await self.outbox.update(channel, parent, parent_message(self.label, user, typed, outcome))
        if reply.operation_id is not None:
            shown = Shown(channel, parent, Style.SUMMARY, actor=user, command=typed)
            await self.messages.add(reply.operation_id, shown, now=self._clock())

    async def mention(self, mention: Mention, delivery: str | None = None) -> None:
        """``@bot …``: answered in the thread where it was said."""
        user, channel, thread = mention.user, mention.channel, mention.thread
        text = mention.text.strip() or "help"
        groups = await self._groups(user)
        inv = Invocation(user, channel, text, Origin.MENTION, thread=thread, delivery=delivery)
        if groups is None:
            await self.core.not_run(inv, "no usergroups")
            await self.outbox.ephemeral(channel, user, render(self._no_groups)[0], thread_ts=thread)
            return
        status = self._status(channel, thread, lambda s: progress_message(self.label, s))
        inv = replace(inv, usergroups=groups)
        reply = await self.names.settle(await self.core.handle(inv, progress=status.report), user)
        await status.close()
        await self.deliver(
            reply, channel=channel, thread=thread, actor=user, reuse=status.ts, who=inv
        )

    async def press(self, pressed: ButtonPress, delivery: str | None = None) -> None:
        """A button press (already acknowledged and deduplicated)."""
        user, channel, from_home = pressed.user, pressed.channel, pressed.from_home
        message_ts, thread = pressed.message_ts, pressed.thread_ts
        groups = await self._groups(user)
        press = Press(
            actor=user,
            channel=channel,
            action_id=pressed.value,
            origin=Origin.HOME if from_home else Origin.BUTTON,
            usergroups=groups or frozenset(),
            thread=thread or message_ts,
            delivery=delivery,
        )
        if groups is None:
            await self.core.not_run(press, "no usergroups")
            reply = self._no_groups
        else:
            reply = await self.names.settle(await self.core.press(press), user)
        if reply.private:
            if from_home:
                await self.home.publish(user, banner=reply)
            else:
                await self.outbox.ephemeral(channel, user, render(reply)[0], thread_ts=thread)
            return
        by = named(user, await self.names.name(user))  # reported, not notified
        note = f"{escape(pressed.label)} pressed by {by}"
        op_id = reply.operation_id
        if op_id is None and message_ts:
            op_id = await self.messages.operation_at(channel, message_ts)
        shown = Shown(channel, message_ts, Style.FULL) if message_ts else None
        where = None if from_home else (channel, thread or message_ts)
        home_user = user if from_home else None
        refused = await self.show(
            reply, op_id, note=note, pressed=shown, thread=where, home_user=home_user
        )
        if refused is not None and not from_home:
            # The message the person pressed would not take the result: it goes to them.
            respond = (
                AsyncRespond(response_url=pressed.response_url) if pressed.response_url else None
            )
            who = Invocation(user, channel, pressed.label, Origin.BUTTON, delivery=delivery)
            await self.detours.privately(
                replace(reply, operation_id=op_id),
                None,
                channel=channel,
                thread=thread or message_ts,
                who=who,
                respond=respond,
                error=refused,
            )
        if home_user:
            await self.home.publish(home_user, banner=reply)

    async def home_opened(self, user: str) -> None:
        await self.home.publish(user)

    async def on_notice(self, notice: Notice) -> None:
        """The core's listener: expiries and timed-mute lifts, nobody pressed anything."""
        reply = notice.reply
        if reply.operation_id is not None and await self.messages.of(reply.operation_id):
            await self.show(reply, reply.operation_id, thread=(notice.channel, notice.thread))
            return
        if notice.key is None:
            await self.deliver(reply, channel=notice.channel, thread=notice.thread, actor=None)
            return
        place = (notice.channel, notice.thread, notice.key)
        ts = await self.deliver(
            reply,
            channel=notice.channel,
            thread=notice.thread,
            actor=None,
            reuse=self._keyed.get(place),
        )
        if ts is not None:
            self._keyed[place] = ts
            self._keyed.move_to_end(place)
            while len(self._keyed) > KEYED_MESSAGES:
                self._keyed.popitem(last=False)

    # -- ways out ----------------------------------------------------------------

    async def deliver(
        self,
        reply: Reply,
        *,
        channel: str,
        thread: str | None,
        actor: str | None,
        reuse: str | None = None,
        who: Invocation | None = None,
        respond: Respond | None = None,
    ) -> str | None:
        """Post a reply in the thread (or into ``reuse``, a status message); its ts, or
        None if the thread refused it: then ``who`` asked gets it privately (through
        ``respond``, a slash command's ``response_url``, else ephemeral)."""
        reply = await self.names.settle(reply)
        pages = render(reply)
        if reply.private and actor is not None:
            await self.outbox.ephemeral(channel, actor, pages[0], thread_ts=thread)
            if reuse:
                await self.outbox.update(channel, reuse, progress_message(self.label, "Done."))
            return None
        ts: str | None = None
        error: str | None = None
        if reuse is not None and await self.outbox.update(channel, reuse, pages[0]):
            ts = reuse
        else:
            ts, error = await self.outbox.try_post(channel, pages[0], thread_ts=thread)
        refused = []
        for page in pages[1:] if ts is not None else []:
            posted, why = await self.outbox.try_post(channel, page, thread_ts=thread or ts)
            if posted is None:
                refused.append(page)
                error = why
        if who is not None and (ts is None or refused):
            await self.detours.privately(
                reply,
                refused if ts is not None else None,  # None: all of it, with a note
                channel=channel,
                thread=thread,
                who=who,
                respond=respond,
                error=error,
            )
        op_id = reply.operation_id
        if op_id is not None and ts is not None:
            await self.messages.add(op_id, Shown(channel, ts, Style.FULL), now=self._clock())
        if op_id is not None and reply.notify_approvers:
            await self._copy_to_approvers(reply, op_id, channel, thread or ts, who)
            self.spawn(self.home.refresh_approvers(op_id))
        await self._upload(reply, channel, thread or ts)
        return ts

    async def show(
        self,
        reply: Reply,
        op_id: int | None,
        *,
        note: str | None = None,
        pressed: Shown | None = None,
        thread: tuple[str, str | None] | None = None,
        home_user: str | None = None,
    ) -> str | None:
        """Edit every message of the operation to show ``reply``, buttons and all;
        refresh approvers' Home (but ``home_user``'s, which the caller publishes).
        Slack's error if the ``pressed`` message would not be edited, else None."""
        reply = await self.names.settle(reply)
        targets = await self.messages.of(op_id) if op_id is not None else []
        if pressed is not None and all(
            (t.channel, t.ts) != (pressed.channel, pressed.ts) for t in targets
        ):
            targets.append(pressed)
        pages = render(reply, note=note)
        if not targets and thread is not None:
            await self.deliver(reply, channel=thread[0], thread=thread[1], actor=None)
            return None
        errors = await asyncio.gather(
            *(
                self.outbox.try_update(t.channel, t.ts, self._drawn(t, reply, pages[0]))
                for t in targets
            )
        )
        if thread is not None:
            for page in pages[1:]:
                await self.outbox.post(thread[0], page, thread_ts=thread[1])
            await self._upload(reply, thread[0], thread[1])
        if op_id is not None:
            self.spawn(self.home.refresh_approvers(op_id, skip=home_user))
        if pressed is None:
            return None
        return next(
            (e for t, e in zip(targets, errors, strict=True) if e and t.ts == pressed.ts), None
        )

    def _drawn(self, shown: Shown, reply: Reply, full: Message) -> Message:
        if shown.style is Style.SUMMARY:
            return parent_message(
                self.label, shown.actor or "", shown.command or "", headline_text(reply)
            )
        return full

    async def _copy_to_approvers(
        self, reply: Reply, op_id: int, channel: str, thread: str | None, who: Invocation | None
    ) -> None:
        """The request in the approvals channel too; if Slack refuses, the thread is told
        and the copy tried again (``Detours.copy_to_approvers``)."""
        where = self.approvals_channel
        if not where or where == channel:
            return
        await self.detours.copy_to_approvers(
            reply, op_id, approvals=where, channel=channel, thread=thread, who=who, spawn=self.spawn
        )

    async def _upload(self, reply: Reply, channel: str, thread: str | None) -> None:
        for attachment in reply.files:
            await self.outbox.upload(channel, thread, attachment)

    # -- plumbing ------------------------------------------------------------------

    async def _groups(self, user: str) -> frozenset[str] | None:
        try:
            return await self.directory.groups_of(user)
        except DirectoryError as exc:
            log.warning("usergroups of %s unavailable: %s", user, exc)
            return None

    def _status(
        self, channel: str, thread: str | None, draw: Callable[[str], Message]
    ) -> StatusMessage:
        return StatusMessage(
            self.outbox,
            channel,
            thread_ts=thread,
            draw=draw,
            interval=self._progress_interval,
            clock=self._monotonic,
        )

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Follow-up work (Home refreshes) that must not hold up the reply."""
        self.tasks.spawn(work)

    async def drain(self) -> None:
        """Wait until every payload's work and its follow-ups are done (tests, shutdown)."""
        await self.tasks.drain()
