"""`quality <room> [--since 30m | --from HH:MM --to HH:MM] [--user U]`: who suffered, when, why.

Fetching stays inside TRTC's limits with the fewest calls they allow:

1. DescribeRoomInfo over the window (at most 4 h, so one query) → the room's newest call.
2. DescribeUserInfo streams the call's users, 100 a page. As soon as six users of an
   hour slice are known, their DescribeCallDetailInfo query goes out (6 users and
   < 1 h each): Σ over slices of ⌈users present in it / 6⌉ queries, ``CONCURRENCY``
   in flight, paced by the client's 20/s limiter.
3. DescribeUserEvent only for users who look bad or left before the end.

Each answer is folded into per-user state (``bot.quality``) and dropped; a user is
summarised once all their slices are in, and only users with problems keep curves.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.core.context import Context
from bot.core.reply import Attachment, Reply, Severity, Table, run_action
from bot.core.spec import Args, CommandSpec, Kind, Option, Param
from bot.core.values import RoomRef, clock_time, format_duration
from bot.quality import (
    COLUMNS,
    DATA_TYPES,
    DEFAULT_THRESHOLDS,
    MAX_LISTED,
    Assessment,
    Grade,
    Piece,
    RoomQuality,
    Thresholds,
    UserAccumulator,
    UserQuality,
    Window,
    assess,
    breakdown,
    hhmm,
    pieces,
    read_events,
    span,
    summary_lines,
    verdict,
)
from bot.quality.window import WindowError, resolve
from bot.trtc import limits
from bot.trtc.errors import TrtcApiError, TrtcError, TrtcTransportError
from bot.trtc.models import RoomState, UserInformation
from commands.actions import fixed_action

DEFAULT_SINCE_S = 30 * 60
MAX_WINDOW_S = limits.USER_INFO_WINDOW_S  # one DescribeUserInfo query: 4 h
# In flight = 20/s × ~400 ms per answer (latency, a 4 MB body, its decode); more
# only queues at a slow server and holds more bodies in memory.
CONCURRENCY = 8
MAX_EVENT_USERS = 60  # DescribeUserEvent is one call per user
MAX_BUTTONS = 5
REPORT_EVERY_S = 2.0
LEFT_EARLY_S = 10  # left this long before the end: maybe not by choice
EDITION = "InvalidParameter.StartTimeOversize"


class _Progress:
    """``ctx.report`` at most every ``REPORT_EVERY_S``, and not before: a quick fetch
    shows nothing, a slow one edits one status message."""

    def __init__(
        self, ctx: Context, clock: Callable[[], float] = time.monotonic, every: float = 2.0
    ) -> None:
        self._ctx, self._clock, self._every = ctx, clock, every
        self._due = clock() + every

    async def __call__(self, text: str) -> None:
        now = self._clock()
        if now >= self._due:
            self._due = now + self._every
            await self._ctx.report(text)


def _why(exc: TrtcError) -> str:
    if isinstance(exc, TrtcApiError):
        return f"{exc.code}, RequestId {exc.request_id or 'none'}"
    return str(exc)


def _retryable(exc: TrtcError) -> bool:
    """Transient failures that survived the client's retries: a gap, not the end."""
    return isinstance(exc, TrtcApiError | TrtcTransportError) and exc.retryable


def _names(users: list[str], most: int = 6) -> str:
    return ", ".join(users[:most]) + ("…" if len(users) > most else "")


@dataclass
class _Fetch:
    ctx: Context
    room: RoomRef
    call: RoomState
    window: Window
    only: str | None
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    slices: list[Window] = field(init=False)
    problems: list[Assessment] = field(default_factory=list)
    fine: int = 0
    total: int = 0
    done: int = 0
    listed: bool = False
    no_data: list[str] = field(default_factory=list)
    unfetched: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    fatal: TrtcError | None = None
    _infos: dict[str, UserInformation] = field(default_factory=dict)
    _states: dict[str, UserAccumulator] = field(default_factory=dict)
    _mine: dict[str, list[int]] = field(default_factory=dict)
    _metric_errors: list[TrtcError] = field(default_factory=list)
    _event_errors: dict[str, TrtcError] = field(default_factory=dict)
    _events_skipped: int = 0
    _events_asked: int = 0

    def __post_init__(self) -> None:
        self.slices = self.window.slices()
        self._pending: list[list[str]] = [[] for _ in self.slices]
        self._batches: asyncio.Queue[tuple[int, list[str]] | None] = asyncio.Queue()
        self._event_slots = asyncio.Semaphore(CONCURRENCY)
        self._progress = _Progress(self.ctx, every=REPORT_EVERY_S)
        self._tasks: asyncio.TaskGroup | None = None

    @property
    def _app(self) -> int:
        return self.room.sdkappid

    async def run(self) -> None:
        async with asyncio.TaskGroup() as tasks:
            self._tasks = tasks
            for _ in range(CONCURRENCY):
                tasks.create_task(self._worker())
            try:
                await self._list()
            finally:
                for _ in range(CONCURRENCY):
                    self._batches.put_nowait(None)
        if self.fatal is not None:
            raise self.fatal
        self._describe_gaps()

    async def _list(self) -> None:
        """Users stream in (a page is cheap to hold); full batches go to the workers at once."""
        wanted = [self.only] if self.only else None
        start, end = self.window.start, max(self.window.end - 1, self.window.start + 1)
        try:
            async for info in self.ctx.trtc.users(
                self._app, self.call.comm_id, start, end, user_ids=wanted
            ):
                if self.fatal is None and info.user_id not in self._infos:
                    self._admit(info)
        except TrtcError as exc:
            if not _retryable(exc):
                self.fatal = self.fatal or exc  # raised once the workers have stopped
                return
            self.gaps.append(
                f"the user list stopped after {self.total:,} users (DescribeUserInfo "
                f"failed after retries: {_why(exc)}); anyone after them is not included"
            )
        self.listed = True
        for index, batch in enumerate(self._pending):
            if batch:
                self._batches.put_nowait((index, batch))

    def _admit(self, info: UserInformation) -> None:
        self.total += 1
        self._infos[info.user_id] = info
        stay_end = info.leave_ts if info.finished else self.window.end
        mine = [
            i for i, s in enumerate(self.slices) if info.join_ts < s.end and stay_end >= s.start
        ]
        if not mine:
            self.no_data.append(info.user_id)
            return
        self._mine[info.user_id] = mine
        for index in mine:
            self._pending[index].append(info.user_id)
            if len(self._pending[index]) == limits.METRICS_USER_BATCH:
                self._batches.put_nowait((index, self._pending[index]))
                self._pending[index] = []

    async def _worker(self) -> None:
        while (job := await self._batches.get()) is not None:
            if self.fatal is None:  # after a fatal error nothing more is asked
                await self._metrics(*job)

    def _state(self, user_id: str) -> UserAccumulator:
        """Made when the user's first answer arrives, so waiting users cost no arrays."""
        state = self._states.get(user_id)
        if state is None:
            slices = [self.slices[i] for i in self._mine[user_id]]
            state = UserAccumulator(self._infos[user_id], self.window, self.thresholds, slices)
            self._states[user_id] = state
        return state

    async def _metrics(self, index: int, batch: list[str]) -> None:
        piece = self.slices[index]
        found: dict[str, list[Piece]] | None
        try:
            detail = await self.ctx.trtc.call_details(
                self._app,
                self.call.comm_id,
                piece.start,
                max(piece.end - 1, piece.start + 1),  # half-open: < 1 h per query
                user_ids=batch,
                data_types=DATA_TYPES,
            )
            found = pieces(detail.data)
        except TrtcError as exc:
            if not _retryable(exc):
                self.fatal = self.fatal or exc
            self._metric_errors.append(exc)
            found = None
        for user_id in batch:
            state = self._state(user_id)
            local = self._mine[user_id].index(index)
            state.deliver(local, None if found is None else found.get(user_id, []))
            if state.complete:
                self._finish(state)
        listed = f"{self.total:,}" if self.listed else f"{self.total:,}+"
        await self._progress(f"fetched {self.done:,}/{listed} users…")

    def _finish(self, state: UserAccumulator) -> None:
        quality = state.finish()
        user_id = quality.user_id
        del self._states[user_id]
        self.done += 1
        if quality.missing_s and not any(r.summary.count for r in quality.metrics.values()):
            self.unfetched.append(user_id)
            return
        if not any(r.summary.count for r in quality.metrics.values()):
            self.no_data.append(user_id)
            return
        assessment = assess(quality, self.thresholds)
        suspect = self.only or assessment.grade is not Grade.GOOD or self._left_early(quality)
        if not suspect:
            self._keep(assessment)
        elif self._events_asked >= MAX_EVENT_USERS and not self.only:
            self._events_skipped += 1
            self._keep(assessment)
        else:
            assert self._tasks is not None
            self._events_asked += 1
            self._tasks.create_task(self._events(quality))

    def _left_early(self, quality: UserQuality) -> bool:
        info = quality.info
        return info.finished and info.leave_ts < self.window.end - LEFT_EARLY_S

    async def _events(self, quality: UserQuality) -> None:
        info = quality.info
        oldest = int(self.ctx.now) - limits.LOOKBACK_S + 60
        start = max(info.join_ts, self.call.create_time, oldest)
        end = max(self.window.end, start + 1)
        async with self._event_slots:
            try:
                groups = await self.ctx.trtc.user_events(
                    self._app, self.call.comm_id, self.room.api_room, info.user_id, start, end
                )
            except TrtcError as exc:
                if not _retryable(exc):
                    self.fatal = self.fatal or exc
                self._event_errors[info.user_id] = exc
            else:
                story = read_events(e for group in groups for e in group.content)
                quality = quality.with_story(story)
        self._keep(assess(quality, self.thresholds))

    def _keep(self, assessment: Assessment) -> None:
        if assessment.grade is Grade.GOOD and not self.only:
            self.fine += 1  # the numbers were enough; nothing of theirs is kept
            return
        self.problems.append(assessment)
        if len(self.problems) > MAX_LISTED:
            # Curves are for the sparklines and the chart: only the worst keep them.
            self.problems.sort(key=lambda a: (-a.grade.rank, -a.score))
            for index in range(MAX_LISTED, len(self.problems)):
                user = self.problems[index].user
                if any(r.timeline is not None for r in user.metrics.values()):
                    self.problems[index] = replace(
                        self.problems[index], user=user.without_timelines()
                    )

    def _describe_gaps(self) -> None:
        if self.unfetched:
            first = self._metric_errors[0] if self._metric_errors else None
            why = f" ({_why(first)})" if first else ""
            self.gaps.append(
                f"metrics for {len(self.unfetched):,} of {self.total:,} users: "
                f"DescribeCallDetailInfo failed after retries{why}. Not graded: "
                f"{_names(sorted(self.unfetched))}. Run the command again to retry."
            )
        partly = [a.user.user_id for a in self.problems if a.user.missing_s]
        if partly:
            self.gaps.append(
                f"part of the window for {_names(partly)} (a DescribeCallDetailInfo query "
                "failed after retries); they were graded on the rest."
            )
        if self._event_errors:
            names = sorted(self._event_errors)
            self.gaps.append(
                f"events for {_names(names)} (DescribeUserEvent failed after retries: "
                f"{_why(self._event_errors[names[0]])}); exits and network switches unknown."
            )
        if self._events_skipped:
            self.gaps.append(
                f"events were read for the first {MAX_EVENT_USERS} users with problems; "
                f"{self._events_skipped:,} more were graded on their metrics alone."
            )


# -- the command ---------------------------------------------------------------------------


def _refuse(text: str) -> Reply:
    return Reply(text, Severity.ERROR, lines=(f"Usage: {SPEC.usage}", f"Example: {SPEC.example}"))


async def run(ctx: Context, args: Args) -> Reply:
    try:
        window = resolve(
            ctx.now,
            since=args["since"],
            start_at=args["from"],
            end_at=args["to"],
            default_s=DEFAULT_SINCE_S,
            max_s=MAX_WINDOW_S,
            lookback_s=limits.LOOKBACK_S,
        )
    except WindowError as exc:
        return _refuse(str(exc))
    try:
        return await _quality(ctx, args, window)
    except TrtcApiError as exc:
        if exc.code == EDITION:
            return _edition(exc, window, ctx.now)
        raise


async def _calls(ctx: Context, room: RoomRef, window: Window) -> list[RoomState]:
    found = ctx.trtc.rooms(room.sdkappid, window.start, window.end, room_id=room.room)
    calls = [c async for c in found if c.room_string == room.room]
    return sorted(calls, key=lambda c: c.create_time, reverse=True)


async def _quality(ctx: Context, args: Args, asked: Window) -> Reply:
    room: RoomRef = args.room
    name = _room_text(ctx, room)
    calls = await _calls(ctx, room, asked)
    if not calls:
        return await _no_call(ctx, room, name, asked)
    call, others = calls[0], calls[1:]
    ended = call.destroy_time if call.is_finished and call.destroy_time else asked.end
    window = asked.clip(call.create_time, ended)
    if window.seconds < 10:
        return Reply(
            f"Room {name}'s call started at {hhmm(call.create_time)} UTC: no data yet.",
            Severity.INFO,
            lines=("TRTC reports quality every few seconds; try again in a minute.",),
        )
    fetch = _Fetch(ctx, room, call, window, args["user"])
    await fetch.run()
    notes = (
        [
            f"The room had {len(others)} earlier call(s) in this window "
            f"({', '.join(hhmm(c.create_time) for c in others[:3])} UTC); this is the one from "
            f"{hhmm(call.create_time)}. Narrow --from/--to to see another."
        ]
        if others
        else []
    )
    if args["user"]:
        return await _user_reply(fetch, name, args["user"], notes)
    return await _room_reply(fetch, name, args, notes)


async def _no_call(ctx: Context, room: RoomRef, name: str, asked: Window) -> Reply:
    now = int(ctx.now)
    recent = await _calls(ctx, room, Window(now - limits.ROOM_INFO_WINDOW_S, now))
    if not recent:
        return Reply(
            f"No room {name} in application {room.sdkappid} in the last 24 h.",
            Severity.WARNING,
            lines=(
                'Check the id with `rooms --since 1d`; numeric 1234 and string "1234" are '
                "different rooms, and app/room picks another application.",
            ),
        )
    last = recent[0]
    began = hhmm(last.create_time)
    if last.is_finished:
        until = hhmm(last.destroy_time)
        hint = f"Its latest call ran {began}–{until} UTC"
        ask = f"`quality {name} --from {began} --to {until}`"
    else:
        hint = f"Its call has been live since {began} UTC"
        ask = f"`quality {name} --from {began}`"
    return Reply(
        f"Room {name} had no call {span(asked.start, asked.end)} UTC.",
        Severity.WARNING,
        lines=(f"{hint}: try {ask}.",),
    )


async def _room_reply(fetch: _Fetch, name: str, args: Args, notes: list[str]) -> Reply:
    window = fetch.window
    if fetch.total == 0:
        return Reply(
            f"Room {name}'s call had nobody in it {span(window.start, window.end)} UTC.",
            Severity.INFO,
        )
    if not fetch.problems and not fetch.fine and not fetch.unfetched:
        return Reply(
            f"TRTC has no quality samples for room {name} {span(window.start, window.end)} UTC.",
            Severity.WARNING,
            lines=(
                f"{fetch.total:,} users were in the call, but no per-second data came back: "
                "recent data can lag a few minutes. Try again shortly, or widen --since.",
            ),
        )
    summary = RoomQuality(
        name, window, tuple(fetch.problems), fetch.fine, tuple(fetch.no_data), tuple(fetch.gaps)
    )
    if fetch.unfetched and not fetch.problems and not fetch.fine:
        return Reply(
            f"Could not fetch call-quality metrics for room {name}: "
            f"{span(window.start, window.end)} UTC.",
            Severity.ERROR,
            lines=tuple(f"Missing: {gap}" for gap in fetch.gaps),
        )
    worst = summary.worst
    severity = Severity.INFO if worst else Severity.SUCCESS
    if fetch.gaps or any(a.grade is Grade.BAD for a in worst):
        severity = Severity.WARNING
    files = await _chart(name, window, worst)
    buttons = tuple(
        run_action(f"{a.user.user_id}'s breakdown", _command(name, args, a.user.user_id))
        for a in worst[:MAX_BUTTONS]
    )
    return Reply(
        verdict(summary) + (" Incomplete: see Missing." if fetch.gaps else ""),
        severity,
        lines=(*summary_lines(summary), *notes),
        actions=buttons,
        files=files,
    )


async def _user_reply(fetch: _Fetch, name: str, user: str, notes: list[str]) -> Reply:
    window = fetch.window
    when = f"{span(window.start, window.end)} UTC"
    if fetch.total == 0:
        return Reply(
            f"{user} was not in room {name} {when}.",
            Severity.WARNING,
            lines=(f"See who was: `users {name}`, or widen the window with --since.",),
        )
    if fetch.unfetched:
        return Reply(
            f"Could not fetch {user}'s metrics in room {name} {when}.",
            Severity.ERROR,
            lines=tuple(f"Missing: {gap}" for gap in fetch.gaps),
        )
    if not fetch.problems:
        return Reply(f"TRTC has no quality samples for {user} in room {name} {when}.")
    assessment = fetch.problems[0]
    detail = breakdown(assessment, name, fetch.thresholds)
    severity = {Grade.GOOD: Severity.SUCCESS, Grade.DEGRADED: Severity.INFO}.get(
        assessment.grade, Severity.WARNING
    )
    return Reply(
        detail.headline,
        severity,
        fields=detail.fields,
        tables=(Table(COLUMNS, detail.rows),) if detail.rows else (),
        lines=(*detail.lines, *(f"Missing: {gap}" for gap in fetch.gaps), *notes),
        files=await _chart(name, window, [assessment], user),
    )


async def _chart(
    name: str, window: Window, worst: list[Assessment], user: str | None = None
) -> tuple[Attachment, ...]:
    from bot.quality import chart  # matplotlib: imported on first use, not at start-up

    series = chart.chart_of(worst)
    if not series:
        return ()
    png = await asyncio.to_thread(chart.render_png, name, window, series)
    stamp = time.strftime("%Y%m%d-%H%M", time.gmtime(window.start))
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name + (f"-{user}" if user else ""))
    title = f"Loss and RTT, room {name}" + (f", {user}" if user else "")
    return (
        Attachment(
            f"quality-{slug}-{stamp}.png", png, f"{title}, {span(window.start, window.end)} UTC"
        ),
    )


def _edition(exc: TrtcApiError, window: Window, now: float) -> Reply:
    return Reply(
        "TRTC refused: this account's monitoring-dashboard edition does not reach back to "
        f"{clock_time(window.start, with_date=True)} ({format_duration(now - window.start)} ago).",
        Severity.ERROR,
        lines=(
            f"Code: {exc.code}",
            f"Message: {exc.message}",
            f"RequestId: {exc.request_id}",
            "Since 2024-04-01 TRTC's call-detail APIs are paid: the monitoring dashboard's "
            "Standard edition (基础版, or the 尊享版 package) looks back 7 days, Premium "
            "(进阶版, or 旗舰版) 14 days.",
            "Ask for a more recent window (e.g. --since 30m), or upgrade the edition in the "
            "TRTC console (Monitoring Dashboard).",
        ),
    )


def _room_text(ctx: Context, room: RoomRef) -> str:
    """How to type this room again: bare on the default application."""
    if room.app_name:
        return f"{room.app_name}/{room.room}"
    if room.sdkappid != ctx.services.grammar.default_app:
        return f"{room.sdkappid}/{room.room}"
    return room.room


def _command(name: str, args: Args, user: str) -> str:
    """The same window for one user: what the breakdown button runs."""
    parts = ["quality", shlex.quote(name)]
    if args["since"] is not None:
        parts += ["--since", format_duration(args["since"])]
    for option in ("from", "to"):
        if args[option] is not None:
            parts += [f"--{option}", f"{args[option] // 60:02d}:{args[option] % 60:02d}"]
    return " ".join([*parts, "--user", user])


SPEC = CommandSpec(
    name="quality",
    summary="Call quality in a room: who had problems, when and why, with a chart",
    example="quality 1234 --since 1h",
    run=run,
    params=(Param("room", Kind.ROOM),),
    options=(
        Option("since", Kind.DURATION, minimum=60, maximum=30 * 86400, metavar="30m"),
        Option("from", Kind.CLOCK, metavar="HH:MM"),
        Option("to", Kind.CLOCK, metavar="HH:MM"),
        Option("user", Kind.USER, metavar="U"),
    ),
    action=fixed_action("trtc:DescribeCallDetailInfo"),
)
