"""One call's users, metrics and events, fetched within TRTC's limits and folded as they come.

The fewest calls TRTC's limits allow, as concurrently as its 20/s rate lets:

1. DescribeRoomInfo over the window (at most 4 h, so one query) → the room's calls
   (``calls``); the command picks the newest.
2. DescribeUserInfo streams the call's users, 100 a page. As soon as six users of an
   hour slice are known, their DescribeCallDetailInfo query goes out (6 users and
   < 1 h each): Σ over slices of ⌈users present in it / 6⌉ queries, ``CONCURRENCY``
   in flight, paced by the client's 20/s limiter.
3. DescribeUserEvent only for users who look bad or left before the end.

Each answer is folded into per-user state (``UserAccumulator``) and dropped; a user
is summarised once all their slices are in, and only users with problems keep
curves. What could not be fetched is said in ``gaps``, in the words the reply uses.
The client is passed in: this module asks TRTC, the rest of the package is pure.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot.quality.accumulator import Piece, UserAccumulator, UserQuality, pieces
from bot.quality.findings import Assessment, Grade, assess
from bot.quality.incidents import read_events
from bot.quality.progress import Report, Throttle
from bot.quality.thresholds import DATA_TYPES, DEFAULT_THRESHOLDS, Thresholds
from bot.quality.verdict import MAX_LISTED
from bot.quality.window import Window
from bot.trtc import limits
from bot.trtc.errors import TrtcApiError, TrtcError
from bot.trtc.models import RoomId, RoomState, UserInformation

if TYPE_CHECKING:
    from bot.trtc.client import TrtcClient

# In flight = 20/s × ~400 ms per answer (latency, a 4 MB body, its decode); more
# only queues at a slow server and holds more bodies in memory.
CONCURRENCY = 8
MAX_EVENT_USERS = 60  # DescribeUserEvent is one call per user
# Users who look fine but left early (why?) get events from a budget of their own, so
# in a big room the leavers never crowd out the users with problems (issue 19).
MAX_LEAVER_EVENTS = 60
REPORT_EVERY_S = 2.0
LEFT_EARLY_S = 10  # left this long before the end: maybe not by choice


async def calls(trtc: TrtcClient, sdkappid: int, room: str, window: Window) -> list[RoomState]:
    """The room's calls in the window, newest first (the query also matches other variants)."""
    found = trtc.rooms(sdkappid, window.start, window.end, room_id=room)
    return sorted(
        [c async for c in found if c.room_string == room], key=lambda c: c.create_time, reverse=True
    )


def _why(exc: TrtcError) -> str:
    if isinstance(exc, TrtcApiError):
        return f"{exc.code}, RequestId {exc.request_id or 'none'}"
    return str(exc)


def _names(users: list[str], most: int = 6) -> str:
    return ", ".join(users[:most]) + ("…" if len(users) > most else "")


@dataclass
class CallFetch:
    """One call's quality over ``window``: ``run`` fills ``problems``, ``fine``, ``gaps``…

    ``only`` names one user to break down in full (graded and kept even when fine). A
    non-retryable TRTC error stops everything and is raised from ``run``; a retryable one
    that outlived the client's retries becomes a gap and the rest goes on.
    """

    trtc: TrtcClient
    sdkappid: int
    room: RoomId  # the API's room id: a number or a string
    call: RoomState
    window: Window
    only: str | None
    now: float  # events older than TRTC's look-back are not asked for
    report: Report
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
    _leavers_asked: int = 0
    _leavers_skipped: int = 0

    def __post_init__(self) -> None:
        self.slices = self.window.slices()
        self._pending: list[list[str]] = [[] for _ in self.slices]
        self._batches: asyncio.Queue[tuple[int, list[str]] | None] = asyncio.Queue()
        self._event_slots = asyncio.Semaphore(CONCURRENCY)
        self._progress = Throttle(self.report, every=REPORT_EVERY_S)
        self._tasks: asyncio.TaskGroup | None = None

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
            async for info in self.trtc.users(
                self.sdkappid, self.call.comm_id, start, end, user_ids=wanted
            ):
                if self.fatal is None and info.user_id not in self._infos:
                    self._admit(info)
        except TrtcError as exc:
            if not exc.retryable:  # transient ones that outlived the retries: a gap
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
            detail = await self.trtc.call_details(
                self.sdkappid,
                self.call.comm_id,
                piece.start,
                max(piece.end - 1, piece.start + 1),  # half-open: < 1 h per query
                user_ids=batch,
                data_types=DATA_TYPES,
            )
            found = pieces(detail.data)
        except TrtcError as exc:
            if not exc.retryable:
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
        troubled = bool(self.only) or assessment.grade is not Grade.GOOD
        if troubled and (self.only or self._events_asked < MAX_EVENT_USERS):
            self._events_asked += 1
        elif troubled:
            self._events_skipped += 1
            self._keep(assessment)
            return
        elif self._left_early(quality) and self._leavers_asked < MAX_LEAVER_EVENTS:
            self._leavers_asked += 1
        else:
            self._leavers_skipped += self._left_early(quality)
            self._keep(assessment)
            return
        assert self._tasks is not None
        self._tasks.create_task(self._events(quality))

    def _left_early(self, quality: UserQuality) -> bool:
        info = quality.info
        return info.finished and info.leave_ts < self.window.end - LEFT_EARLY_S

    async def _events(self, quality: UserQuality) -> None:
        info = quality.info
        oldest = int(self.now) - limits.LOOKBACK_S + 60
        start = max(info.join_ts, self.call.create_time, oldest)
        end = max(self.window.end, start + 1)
        async with self._event_slots:
            try:
                groups = await self.trtc.user_events(
                    self.sdkappid, self.call.comm_id, self.room, info.user_id, start, end
                )
            except TrtcError as exc:
                if not exc.retryable:
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
        if self._leavers_skipped:
            self.gaps.append(
                f"events were read for the first {MAX_LEAVER_EVENTS} users who left early; "
                f"{self._leavers_skipped:,} more looked fine on their metrics, and whether "
                "they dropped out is unknown."
            )
