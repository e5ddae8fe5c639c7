"""The simulator's event callbacks: what TRTC POSTs to an application's callback URL.

Configured with a callback URL (and key), the simulator reports the changes it
makes — RemoveUser → 104 with Reason 3 ("removed"), DismissRoom → 104 (Reason
3) for everyone present, then 102 — and the ones its scenario schedules
(rooms starting, users joining and leaving, rooms ending as the last user
leaves), as TRTC does (reference §11):

* ``POST`` with ``Content-Type: application/json``, ``Sign`` (Base64
  HMAC-SHA256 of the exact body bytes with the key) and ``SdkAppId``; bodies
  are tab-indented like TRTC's own samples, so a receiver that re-serialises
  the JSON before checking the signature fails here as it would in production;
* success is HTTP 200 within 5 s; otherwise an immediate retry, then one every
  10 s until the message is a minute old, then it is dropped;
* deliveries run on their own task: API answers never wait for a receiver.

Without a key no ``Sign`` header is sent (what TRTC sends then is undocumented).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.trtc.simulator.call import Call, LeaveReason, Member
from bot.trtc.simulator.world import World

log = logging.getLogger(__name__)

ROOM_GROUP, MEDIA_GROUP = 1, 2
CREATE_ROOM, DISMISS_ROOM, ENTER_ROOM, EXIT_ROOM = 101, 102, 103, 104
ANCHOR, AUDIENCE = 20, 21
REMOVED = 3  # 104's Reason: removed from the room
EXIT_REASONS = {LeaveReason.NORMAL: 1, LeaveReason.TIMEOUT: 2, LeaveReason.KICKED: REMOVED}
TERMINALS = {"windows": 1, "android": 2, "ios": 3, "linux": 4}  # anything else: 100
_KICKS = {"RemoveUser": True, "RemoveUserByStrRoomId": False}
_DISMISSALS = {"DismissRoom": True, "DismissRoomByStrRoomId": False}


def encode(body: dict[str, Any]) -> bytes:
    """TRTC's layout: tab-indented, ``"Key":<TAB>value`` (see the reference's vector)."""
    return json.dumps(body, indent="\t", separators=(",", ":\t"), ensure_ascii=False).encode()


def signature(body: bytes, key: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Delivery:
    """One callback and how its delivery went (for tests and the console)."""

    sdkappid: int
    body: bytes
    headers: dict[str, str]
    first_try: float  # monotonic
    statuses: list[int | None] = field(default_factory=list)  # None: no answer
    delivered: bool = False
    dropped: bool = False

    @property
    def event(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


class CallbackSender:
    """Sends queued callbacks one after another; failures retry on their own tasks."""

    def __init__(
        self,
        url: str,
        key: str | None,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        timeout_s: float = 5.0,
        retry_every_s: float = 10.0,
        give_up_after_s: float = 60.0,
    ) -> None:
        self.url = url
        self._key = key
        self._clock = clock
        self._monotonic = monotonic
        self.timeout_s = timeout_s
        self.retry_every_s = retry_every_s
        self.give_up_after_s = give_up_after_s
        self.deliveries: deque[Delivery] = deque(maxlen=10_000)
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self._retries: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._worker: asyncio.Task[None] | None = None

    def emit(self, sdkappid: int, event_type: int, info: dict[str, Any]) -> Delivery:
        """Queue one callback; returns at once (the API answer is not held up)."""
        body = encode(
            {
                "EventGroupId": event_type // 100,
                "EventType": event_type,
                "CallbackTs": int(self._clock() * 1000),
                "EventInfo": info,
            }
        )
        headers = {"Content-Type": "application/json", "SdkAppId": str(sdkappid)}
        if self._key:
            headers["Sign"] = signature(body, self._key)
        delivery = Delivery(sdkappid, body, headers, self._monotonic())
        self.deliveries.append(delivery)
        self._queue.put_nowait(delivery)
        return delivery

    async def start(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        self._session = aiohttp.ClientSession(timeout=timeout)
        self._worker = asyncio.create_task(self._send_forever(), name="simulator-callbacks")

    async def drain(self) -> None:
        """Wait until every queued callback has had its first tries."""
        await self._queue.join()

    async def close(self) -> None:
        tasks = [t for t in (self._worker, *self._retries) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()

    async def _send_forever(self) -> None:
        while True:
            delivery = await self._queue.get()
            try:
                # TRTC: a failure is retried at once, then every 10 s.
                if not await self._attempt(delivery) and not await self._attempt(delivery):
                    task = asyncio.create_task(self._retry(delivery))
                    self._retries.add(task)
                    task.add_done_callback(self._retries.discard)
            finally:
                self._queue.task_done()

    async def _retry(self, delivery: Delivery) -> None:
        while self._monotonic() - delivery.first_try < self.give_up_after_s:
            await asyncio.sleep(self.retry_every_s)
            if self._monotonic() - delivery.first_try >= self.give_up_after_s:
                break
            if await self._attempt(delivery):
                return
        delivery.dropped = True
        log.warning("callback to %s dropped after %d tries", self.url, len(delivery.statuses))

    async def _attempt(self, delivery: Delivery) -> bool:
        assert self._session is not None, "start() the sender first"
        try:
            async with self._session.post(
                self.url, data=delivery.body, headers=delivery.headers
            ) as response:
                await response.read()
                delivery.statuses.append(response.status)
        except (aiohttp.ClientError, TimeoutError):
            delivery.statuses.append(None)
            return False
        delivery.delivered = delivery.statuses[-1] == 200
        return delivery.delivered


def _room_id(call: Call) -> int | str:
    return int(call.room_id) if call.numeric else call.room_id


def _times(ts: int) -> dict[str, int]:
    return {"EventTs": ts, "EventMsTs": ts * 1000}


def _role(member: Member) -> int:
    return ANCHOR if member.publishes else AUDIENCE


@dataclass
class _Before:
    call: Call
    present: list[Member]


class Announcer:
    """Watches the world for changes and hands them to the sender as callbacks."""

    def __init__(self, world: World, sender: CallbackSender, *, scan_every_s: float = 1.0):
        self.world = world
        self.sender = sender
        self.scan_every_s = scan_every_s
        self._last = world.now()
        self._dismissed: set[str] = set()  # comm ids whose 102 was sent by an API call
        self._ticker: asyncio.Task[None] | None = None
        # Other timelines moved on each scan (recording tasks: recorder.py).
        self.hooks: list[Callable[[], None]] = []
        self.on_tick: Callable[[], object] | None = None

    async def start(self) -> None:
        await self.sender.start()
        self._ticker = asyncio.create_task(self._tick_forever(), name="simulator-timeline")

    async def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        await self.sender.close()

    def around(
        self, action: str, params: dict[str, Any], apply: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """Run one API handler; report the users and rooms it removed."""
        before = self._before(action, params)
        result = apply()
        if before is not None:
            self._after(before)
        return result

    def _before(self, action: str, params: dict[str, Any]) -> _Before | None:
        numeric = _KICKS.get(action, _DISMISSALS.get(action))
        if numeric is None:
            return None
        room = int(params["RoomId"]) if numeric else str(params["RoomId"])
        call = self.world.room(params["SdkAppId"], room)
        if call is None:
            return None
        return _Before(call, call.present_members(self.world.now()))

    def _after(self, before: _Before) -> None:
        call, now = before.call, self.world.now()
        for member in before.present:
            if not member.present(now):
                self._exit(call, member, REMOVED, now)
        if call.destroy_ts is not None and call.destroy_ts <= now:
            self._dismissed.add(call.comm_id)
            self.sender.emit(call.sdkappid, DISMISS_ROOM, {"RoomId": _room_id(call), **_times(now)})

    def _exit(self, call: Call, member: Member, reason: int, ts: int) -> None:
        info = {
            "RoomId": _room_id(call),
            **_times(ts),
            "UserId": member.user_id,
            "Role": _role(member),
            "Reason": reason,
        }
        self.sender.emit(call.sdkappid, EXIT_ROOM, info)

    def entered(self, call: Call, member: Member, *, created: bool) -> None:
        """Someone joined now, on demand (not on the timeline): 101 for a new call, then 103.
        EventMsTs has the millisecond, so two joins in one second are two events."""
        ms = int(self.world.clock() * 1000)
        if created:
            info = {"RoomId": _room_id(call), **_times(call.create_ts), "UserId": member.user_id}
            self.sender.emit(call.sdkappid, CREATE_ROOM, {**info, "EventMsTs": ms})
        info = {**self._enter_info(call, member), "EventMsTs": ms}
        self.sender.emit(call.sdkappid, ENTER_ROOM, info)

    def left(self, call: Call, member: Member) -> None:
        """Someone left now, on demand: 104 (Reason 1, normal), and 102 if the room ended."""
        now, ms = self.world.now(), int(self.world.clock() * 1000)
        info = {
            "RoomId": _room_id(call),
            **_times(now),
            "EventMsTs": ms,
            "UserId": member.user_id,
            "Role": _role(member),
            "Reason": EXIT_REASONS[LeaveReason.NORMAL],
        }
        self.sender.emit(call.sdkappid, EXIT_ROOM, info)
        if not call.is_live(now):
            self._dismissed.add(call.comm_id)
            self.sender.emit(call.sdkappid, DISMISS_ROOM, {"RoomId": _room_id(call), **_times(now)})

    def scan(self) -> None:
        """Report what the scenario's timeline did since the last scan."""
        for hook in self.hooks:
            hook()
        now = self.world.now()
        last, self._last = self._last, max(self._last, now)
        if now <= last:
            return
        for call in self.world.calls():
            if call.create_ts > now or (call.destroy_ts is not None and call.destroy_ts <= last):
                continue
            self._scan_call(call, last, now)

    def _scan_call(self, call: Call, last: int, now: int) -> None:
        def fresh(ts: int | None) -> bool:
            return ts is not None and last < ts <= now

        if fresh(call.create_ts):
            info = {"RoomId": _room_id(call), **_times(call.create_ts), "UserId": call.creator}
            self.sender.emit(call.sdkappid, CREATE_ROOM, info)
        for member in sorted(call.members.values(), key=lambda m: m.join_ts):
            if fresh(member.join_ts):
                self.sender.emit(call.sdkappid, ENTER_ROOM, self._enter_info(call, member))
            # API removals were reported when they happened.
            if fresh(member.leave_ts) and member.leave_reason is not LeaveReason.KICKED:
                assert member.leave_ts is not None
                self._exit(call, member, EXIT_REASONS[member.leave_reason], member.leave_ts)
        ended = call.end_ts(now)
        if fresh(ended) and call.comm_id not in self._dismissed:
            assert ended is not None
            info = {"RoomId": _room_id(call), **_times(ended)}
            self.sender.emit(call.sdkappid, DISMISS_ROOM, info)

    @staticmethod
    def _enter_info(call: Call, member: Member) -> dict[str, Any]:
        return {
            "RoomId": _room_id(call),
            **_times(member.join_ts),
            "UserId": member.user_id,
            "Role": _role(member),
            "TerminalType": TERMINALS.get(member.device_type, 100),
            "UserType": 1 if member.device_type == "web" else 3,
            "Reason": 1,
        }

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.scan_every_s)
            try:
                if self.on_tick is not None:
                    self.on_tick()  # scripted comebacks (presence.py)
                self.scan()
            except Exception:
                log.exception("scanning the simulated timeline failed")
