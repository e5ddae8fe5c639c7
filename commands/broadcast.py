"""What `relays`, `offair`, `relay` and `ingest` share: naming tasks, stopping relays.

Every URL shown here comes from the store, already masked (``bot.trtc.masking``);
a URL a person typed is masked before it is stored or shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bot.core import AUTHORIZE_ROOM, Args, Context, TrtcApiError, TrtcError, clock_time, code
from bot.store.relays import RELAY
from bot.store.tables import RelayTask
from bot.trtc import relays as api
from bot.trtc.errors import TrtcOutcomeUnknown

GONE = ("ResourceNotFound", "FailedOperation.TaskFinished")  # the task had already ended


def short(task_id: str) -> str:
    """Enough of a TaskId to tell tasks apart in a sentence."""
    return task_id if len(task_id) <= 14 else f"{task_id[:12]}…"


def located(kind: str, param: str) -> Callable[[Context, Args], Awaitable[Args]]:
    """A spec's ``locate``: a TaskId is authorized in the room and application the bot
    stored for it, so a deny on that room or application applies; a task the bot never
    heard of stays on the default application."""

    async def locate(ctx: Context, args: Args) -> Args:
        task = args.get(param)
        if not isinstance(task, str):
            return args  # a room, named as such
        rows = await ctx.services.store.relays.task(kind, task)
        return Args({**args, AUTHORIZE_ROOM: rows[0].room_ref}) if rows else args

    return locate


def tasks(rows: Sequence[RelayTask]) -> dict[str, list[RelayTask]]:
    """Rows (one per URL) grouped by task, in the order first seen."""
    grouped: dict[str, list[RelayTask]] = {}
    for row in rows:
        grouped.setdefault(row.task_id, []).append(row)
    return grouped


def targets(rows: Sequence[RelayTask]) -> str:
    return ", ".join(row.url for row in rows)


def known(row: RelayTask) -> str:
    """How the bot knows of it: who started it, or since when it has heard of it."""
    if row.started_by is not None:
        return f"started by {row.started_by} at {clock_time(row.first_seen_at)}"
    if not row.seen_start:
        return (
            f"known since {clock_time(row.first_seen_at)} "
            "(the bot did not see it start: TRTC's relay callback told it)"
        )
    return f"seen starting at {clock_time(row.first_seen_at)}"


def describe(rows: Sequence[RelayTask]) -> str:
    first = rows[0]
    what = "CDN relay to" if first.kind == RELAY else "Stream ingest from"
    return (
        f"{what} {targets(rows)}: {first.state} — {first.last_event}; {known(first)}; "
        f"task {code(first.task_id)}"
    )


@dataclass
class Stops:
    """What came of stopping some relays, task by task."""

    stopped: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)
    errors: list[TrtcError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.stopped) + len(self.gone) + len(self.failed) + len(self.unknown)

    @property
    def complete(self) -> bool:
        return not self.failed and not self.unknown

    def lines(self) -> list[str]:
        out = [f"Stopped: {line}." for line in self.stopped]
        out += [f"Already ended: {line}." for line in self.gone]
        out += [f"Not stopped: {line}." for line in self.failed]
        lost = "TRTC's answer was lost; it may have stopped"
        out += [f"Unknown: {line} — {lost}." for line in self.unknown]
        return out

    def raise_if_nothing_done(self) -> None:
        """Nothing stopped: the operation failed (or is unknown), as a kick refused is."""
        if not self.stopped and not self.gone and self.errors:
            unknown = [e for e in self.errors if isinstance(e, TrtcOutcomeUnknown)]
            raise (unknown or self.errors)[0]


async def stop_relays(
    ctx: Context, sdkappid: int, grouped: dict[str, list[RelayTask]], why: str
) -> Stops:
    """StopPublishCdnStream for each task; one failing does not stop the others."""
    stops = Stops()
    store, now = ctx.services.store.relays, ctx.now
    for task_id, rows in grouped.items():
        label = f"relay to {targets(rows) or 'its CDN'} (task {short(task_id)})"
        try:
            request_id = await api.stop_publish_cdn(ctx.trtc, sdkappid, task_id)
        except TrtcOutcomeUnknown as exc:
            stops.errors.append(exc)
            stops.unknown.append(label)
            stops.request_ids.extend(exc.request_ids)
            await store.mark(RELAY, task_id, state=None, event=f"stop unknown: {exc.code}", now=now)
        except TrtcApiError as exc:
            if exc.code in GONE:
                stops.gone.append(label)
                await store.mark(
                    RELAY, task_id, state="stopped", event="had already ended", now=now
                )
            else:
                stops.errors.append(exc)
                stops.failed.append(f"{label}: {exc.code}: {exc.message}")
                event = f"stop refused: {exc.code}"
                await store.mark(RELAY, task_id, state=None, event=event, now=now)
        except TrtcError as exc:
            stops.errors.append(exc)
            stops.failed.append(f"{label}: {exc}")
            await store.mark(RELAY, task_id, state=None, event=f"stop failed: {exc.code}", now=now)
        else:
            stops.stopped.append(label)
            stops.request_ids.append(request_id)
            await store.mark(RELAY, task_id, state="stopped", event=why, now=now)
    return stops
