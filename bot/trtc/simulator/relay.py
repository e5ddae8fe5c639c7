"""Relay-to-CDN and stream-ingest tasks in the simulated world, and their callbacks.

A ``Desk`` per world keeps the tasks (the action handlers, ``relay_actions.py``,
find it with ``desk_of``). Tasks change over time as TRTC's do (reference §5.6):

* a relay started through the API connects (Status 1) and is pushing two seconds
  later (Status 2); a stop disconnects (5) and ends (0) each CDN target;
* a scenario relay can lose its CDN at a scripted minute: recovering (3), and after
  60 s without success failure (4) and idle (0);
* a scenario relay can refuse to stop (``stop_error``): the stop is answered with that
  code and the relay goes on;
* an ingest runs until stopped or until its scripted end (then DescribeStreamIngest
  answers NotExist, as for a task that never existed).

Each change is a signed Relay-to-CDN callback (EventGroupId 4, EventType 401) when the
simulator has a callback URL. A scenario's relays are already on air when the simulator
starts: their "pushing" status is reported at once, as if the receiver came up just as
TRTC reported it, so a bot that never saw the start learns of them from the callback.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.trtc.simulator.config import SimulatorConfig
from bot.trtc.simulator.world import World

log = logging.getLogger(__name__)

PUBLISH_CDN_STATUS = 401
IDLE, CONNECTING, RUNNING, RECOVERING, FAILURE, DISCONNECTING = range(6)
CONNECT_S = 2  # API start → pushing
GIVE_UP_S = 60  # recovering this long → failure (§5.6)
MAX_TASKS_PER_APP = 100  # concurrency ceiling: UNCONFIRMED (only the error code is documented)

# Within one second: the order a task goes through (a stop's 5 before its 0).
_ORDER = {CONNECTING: 1, RUNNING: 2, RECOVERING: 3, FAILURE: 4, DISCONNECTING: 5, IDLE: 6}

Emit = Callable[[int, int, dict[str, Any]], object]


@dataclass
class RelayTask:
    task_id: str
    sdkappid: int
    room: str
    numeric: bool
    robot: str
    transcoding: int
    urls: list[str]
    started: int
    running_at: int  # when Status 2 is due (or was reported)
    stop_error: str | None = None
    fails_at: int | None = None
    sequence: int = -1
    stopped: int | None = None
    status: dict[str, int] = field(default_factory=dict)  # per URL, as last reported
    recovering_since: int | None = None

    @property
    def live(self) -> bool:
        return self.stopped is None


@dataclass
class IngestTask:
    task_id: str
    sdkappid: int
    room: str
    numeric: bool
    user_id: str
    url: str
    started: int
    ends: int | None = None
    stopped: int | None = None

    def running(self, now: int) -> bool:
        return self.stopped is None and (self.ends is None or now < self.ends)


class Desk:
    """The world's relay and ingest tasks; ``emit`` sends a callback (None: none sent)."""

    def __init__(self, world: World, *, seed: int = 0, sdk_secret: str = "") -> None:
        self.world = world
        self.sdk_secret = sdk_secret
        self.emit: Emit | None = None
        self.relays: dict[str, RelayTask] = {}
        self.ingests: dict[str, IngestTask] = {}
        self._rng = random.Random(f"{seed}|relay-tasks")

    def new_task_id(self) -> str:
        """Opaque, URL-safe Base64 ending in dots, 74 characters, like TRTC's examples."""
        raw = bytes(self._rng.getrandbits(8) for _ in range(54))
        return base64.urlsafe_b64encode(raw).decode() + ".."

    def live_relays(self, sdkappid: int) -> list[RelayTask]:
        return [t for t in self.relays.values() if t.sdkappid == sdkappid and t.live]

    def running_ingests(self, sdkappid: int) -> list[IngestTask]:
        now = self.world.now()
        return [t for t in self.ingests.values() if t.sdkappid == sdkappid and t.running(now)]

    # -- relays ------------------------------------------------------------------

    def add_relay(self, task: RelayTask, *, on_air: bool = False) -> None:
        """A started relay connects now; one ``on_air`` already (a scenario's) is pushing."""
        self.relays[task.task_id] = task
        for url in task.urls:
            self._report(task, url, RUNNING if on_air else CONNECTING, task.started)

    def retarget(self, task: RelayTask, urls: list[str]) -> None:
        """UpdatePublishCdnStream with a new target list: removed ones end, new ones connect."""
        now = self.world.now()
        for url in [u for u in task.urls if u not in urls]:
            self._end(task, url, now)
        for url in [u for u in urls if u not in task.urls]:
            self._report(task, url, CONNECTING, now)
        task.urls = list(urls)
        task.running_at = max(task.running_at, now + CONNECT_S)

    def stop_relay(self, task: RelayTask) -> None:
        now = self.world.now()
        task.stopped = now
        for url in task.urls:
            self._end(task, url, now)

    def tick(self) -> None:
        """Advance every live relay to what ``now`` makes of it (called every second)."""
        now = self.world.now()
        for task in list(self.relays.values()):
            if not task.live:
                continue
            for url in task.urls:
                state = task.status.get(url)
                if state == CONNECTING and now >= task.running_at:
                    self._report(task, url, RUNNING, task.running_at)
            if task.fails_at is not None and now >= task.fails_at:
                self._outage(task, now)

    def _outage(self, task: RelayTask, now: int) -> None:
        assert task.fails_at is not None
        for url in task.urls:
            if task.status.get(url) == RUNNING:
                self._report(task, url, RECOVERING, task.fails_at, "CDN connection lost")
        if now >= task.fails_at + GIVE_UP_S:
            for url in task.urls:
                self._report(task, url, FAILURE, task.fails_at + GIVE_UP_S, "CDN unreachable")
                self._report(task, url, IDLE, task.fails_at + GIVE_UP_S)
            task.stopped = task.fails_at + GIVE_UP_S

    def _end(self, task: RelayTask, url: str, now: int) -> None:
        if task.status.get(url) not in (None, IDLE):
            self._report(task, url, DISCONNECTING, now)
            self._report(task, url, IDLE, now)

    def _report(self, task: RelayTask, url: str, status: int, at: int, error: str = "") -> None:
        task.status[url] = status
        if self.emit is None:
            return
        payload: dict[str, Any] = {"Url": url, "Status": status}
        if status in (RECOVERING, FAILURE):
            payload |= {"ErrorCode": -1 if status == FAILURE else 0, "ErrorMsg": error}
        info = {
            "RoomId": int(task.room) if task.numeric else task.room,
            "RoomType": 0 if task.numeric else 1,
            "EventMsTs": at * 1000 + _ORDER[status],  # distinct, ordered within one second
            "UserId": task.robot,
            "TaskId": task.task_id,
            "Payload": payload,
        }
        self.emit(task.sdkappid, PUBLISH_CDN_STATUS, info)

    # -- ingest ------------------------------------------------------------------

    def add_ingest(self, task: IngestTask) -> None:
        self.ingests[task.task_id] = task

    def stop_ingest(self, task: IngestTask) -> None:
        task.stopped = self.world.now()


def open_desk(world: World, config: SimulatorConfig, emit: Emit | None = None) -> Desk:
    """The world's desk with the scenario's relays and ingests on air."""
    seed, sdk_secret, scenario = config.seed, config.sdk_secret, config.scenario
    desk = attach(world, Desk(world, seed=seed, sdk_secret=sdk_secret))
    desk.emit = emit
    now = world.now()
    for relay in scenario.relays if scenario else ():
        started = now - int(relay.started_minutes_ago * 60)
        task = RelayTask(
            task_id=desk.new_task_id(),
            sdkappid=relay.sdkappid,
            room=str(relay.room),
            numeric=isinstance(relay.room, int),
            robot=relay.robot,
            transcoding=int(relay.mixed),
            urls=[relay.url],
            started=started,
            running_at=started + CONNECT_S,
            stop_error=relay.stop_error,
            fails_at=None if relay.fails_minute is None else now + int(relay.fails_minute * 60),
        )
        desk.add_relay(task, on_air=True)
    for ingest in scenario.ingests if scenario else ():
        ends = None if ingest.ends_minute is None else now + int(ingest.ends_minute * 60)
        started = now - int(ingest.started_minutes_ago * 60)
        room = str(ingest.room)
        numeric = isinstance(ingest.room, int)
        desk.add_ingest(
            IngestTask(
                desk.new_task_id(),
                ingest.sdkappid,
                room,
                numeric,
                ingest.user,
                ingest.url,
                started,
                ends,
            )
        )
    return desk


async def run_desk(desk: Desk, every_s: float = 1.0) -> None:
    """Move the tasks along the clock (the simulator runs this beside its server)."""
    while True:
        await asyncio.sleep(every_s)
        try:
            desk.tick()
        except Exception:
            log.exception("advancing the simulated relays failed")


_DESKS: weakref.WeakKeyDictionary[World, Desk] = weakref.WeakKeyDictionary()


def desk_of(world: World) -> Desk:
    """The world's desk (made on first use: a world built without one has no tasks)."""
    desk = _DESKS.get(world)
    if desk is None:
        desk = _DESKS[world] = Desk(world)
    return desk


def attach(world: World, desk: Desk) -> Desk:
    _DESKS[world] = desk
    return desk
