"""The typed, async TRTC client: the only code in the bot that talks to TRTC.

An ``int`` room selects the numeric API variant and a ``str`` room the
``…ByStrRoomId`` one. Documented limits are respected by construction (batches,
time windows, pages); what no split can fix is refused before sending.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any, Self

import aiohttp
from pydantic import SecretStr

from bot.pacing import Pacer
from bot.settings import RateLimitScope, Settings, Site
from bot.trtc import limits, sites
from bot.trtc.errors import TrtcError, TrtcLimitError, TrtcOutcomeUnknown
from bot.trtc.models import (
    DATA_TYPES,
    CallDetail,
    EventList,
    MuteMode,
    Removal,
    RoomId,
    RoomState,
    ScaleInfo,
    UserInformation,
    load_call_detail,
)
from bot.trtc.recording import Recordings
from bot.trtc.transport import Credentials, Endpoint, Transport
from bot.trtc.usage import UsageApi

_MAX_PAGES = 10_000  # a server that never returns a short page must not loop us forever


def _room_variant(action: str, room: RoomId) -> str:
    # bool is an int subclass; True as a room id is a caller bug, not room 1.
    if isinstance(room, bool) or not isinstance(room, int | str):
        raise TypeError(f"room must be int or str, not {type(room).__name__}")
    return action if isinstance(room, int) else f"{action}ByStrRoomId"


class TrtcClient:
    """Typed methods over one :class:`Transport` (one reused aiohttp session)."""

    def __init__(self, transport: Transport, *, site: Site | None = None) -> None:
        self.transport = transport
        # The TRTC site behind the endpoint (None: not pinned): what it does not offer
        # is not asked for (see call_details).
        self.site = site
        # The usage statistics actions (usage.py): minutes per day, per room.
        self.usage = UsageApi(transport)

    @classmethod
    def create(
        cls,
        *,
        secret_id: str,
        secret_key: str | SecretStr,
        endpoint: str,
        token: str | SecretStr | None = None,
        region: str | None = "ap-guangzhou",
        session: aiohttp.ClientSession | None = None,
        timeout_s: float = 10.0,
        rate_limit: float | None = limits.REQUESTS_PER_SECOND,
        rate_limit_scope: RateLimitScope = RateLimitScope.ACTION,
        max_attempts: int = 4,
        language: str | None = "en-US",
        clock: Callable[[], float] = time.time,
        site: Site | None = None,
        pacer: Pacer | None = None,
    ) -> TrtcClient:
        def secret(value: str | SecretStr) -> SecretStr:
            return value if isinstance(value, SecretStr) else SecretStr(value)

        return cls(
            Transport(
                credentials=Credentials(
                    secret_id=secret_id,
                    secret_key=secret(secret_key),
                    token=secret(token) if token else None,
                ),
                endpoint=Endpoint.parse(endpoint),
                region=region,
                timeout_s=timeout_s,
                rate_limit=rate_limit,
                rate_limit_scope=rate_limit_scope,
                max_attempts=max_attempts,
                language=language,
                clock=clock,
                session=session,
                pacer=pacer,
            ),
            site=site,
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        endpoint: str | None = None,
        secret_id: str | None = None,
        secret_key: str | SecretStr | None = None,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], float] = time.time,
        pacer: Pacer | None = None,
    ) -> TrtcClient:
        """Real credentials from settings; the simulator passes its own in. ``pacer``:
        the TRTC rate limit shared by the replicas (else this process paces alone)."""
        sid = secret_id or (
            settings.tencentcloud_secret_id.get_secret_value()
            if settings.tencentcloud_secret_id
            else ""
        )
        key = secret_key or settings.tencentcloud_secret_key or SecretStr("")
        return cls.create(
            secret_id=sid,
            secret_key=key,
            token=settings.tencentcloud_token,
            endpoint=endpoint or settings.trtc_endpoint,
            region=settings.tencentcloud_region,
            session=session,
            timeout_s=settings.trtc_timeout_s,
            rate_limit=settings.trtc_rate_limit,
            rate_limit_scope=settings.trtc_rate_limit_scope,
            max_attempts=settings.trtc_max_attempts,
            language=settings.trtc_language,
            clock=clock,
            site=settings.site,
            pacer=pacer,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.transport.close()

    def _now(self) -> float:
        return self.transport.clock()

    @property
    def recordings(self) -> Recordings:
        """On-cloud recording (bot/trtc/recording.py)."""
        return Recordings(self.transport)

    async def call(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """Any action, untyped: for `trtc-chatops call` and for what has no method yet."""
        return await self.transport.call(action, params)

    # -- room management ------------------------------------------------------

    async def remove_users(self, sdkappid: int, room: RoomId, user_ids: Sequence[str]) -> Removal:
        """Kick users, ten per request as TRTC allows; what became of each user.

        Raises when nothing was removed: the first refusal, or (every answer lost)
        ``TrtcOutcomeUnknown``. Otherwise a partial outcome is returned, not raised:
        the users already removed must not be reported as a failure."""
        action = _room_variant("RemoveUser", room)
        unique = list(dict.fromkeys(user_ids))
        if not unique:
            raise TrtcLimitError(f"{action}: name at least one user", action=action)
        batches = list(limits.batches(unique, limits.REMOVE_USER_BATCH))
        answers = await asyncio.gather(
            *(
                self.transport.call(
                    action, {"SdkAppId": sdkappid, "RoomId": room, "UserIds": batch}
                )
                for batch in batches
            ),
            return_exceptions=True,
        )
        removal = Removal({}, {}, {})
        for batch, answer in zip(batches, answers, strict=True):
            if isinstance(answer, TrtcOutcomeUnknown):
                removal.unknown.update(dict.fromkeys(batch, answer))
            elif isinstance(answer, TrtcError):
                removal.failed.update(dict.fromkeys(batch, answer))
            elif isinstance(answer, BaseException):
                raise answer
            else:
                removal.removed.update(dict.fromkeys(batch, str(answer.get("RequestId", ""))))
        if not removal.removed and not removal.unknown:
            raise next(iter(removal.failed.values()))  # plainly refused: nothing changed
        if not removal.removed and not removal.failed:
            raise next(iter(removal.unknown.values()))  # every answer lost
        return removal

    async def dismiss_room(self, sdkappid: int, room: RoomId) -> str:
        action = _room_variant("DismissRoom", room)
        answer = await self.transport.call(action, {"SdkAppId": sdkappid, "RoomId": room})
        return str(answer.get("RequestId", ""))

    async def set_user_blocked(
        self, sdkappid: int, room: RoomId, user_id: str, mode: MuteMode
    ) -> str:
        action = _room_variant("SetUserBlocked", room)
        # The string variant names its room parameter StrRoomId, not RoomId.
        room_key = "RoomId" if isinstance(room, int) else "StrRoomId"
        answer = await self.transport.call(
            action,
            {"SdkAppId": sdkappid, room_key: room, "UserId": user_id, "IsMute": int(mode)},
        )
        return str(answer.get("RequestId", ""))

    # -- history --------------------------------------------------------------

    async def _pages(
        self, action: str, params: dict[str, Any], key: str, page_size: int
    ) -> AsyncIterator[dict[str, Any]]:
        """Pages until a short one; TRTC's ``Total`` is documented inconsistently."""
        for page in range(_MAX_PAGES):
            answer = await self.transport.call(
                action, {**params, "PageNumber": page, "PageSize": page_size}
            )
            items = answer.get(key) or []
            for item in items:
                yield item
            if len(items) < page_size:
                return

    async def rooms(
        self,
        sdkappid: int,
        start: int,
        end: int,
        *,
        room_id: RoomId | None = None,
        page_size: int = limits.MAX_PAGE_SIZE,
    ) -> AsyncIterator[RoomState]:
        """Calls (rooms) in [start, end]; ranges over 24 h are queried a day at a time."""
        action = "DescribeRoomInfo"
        limits.check_range(action, start, end, now=self._now())
        seen: set[str] = set()
        for a, b in limits.windows(start, end, limits.ROOM_INFO_WINDOW_S):
            params: dict[str, Any] = {"SdkAppId": sdkappid, "StartTime": a, "EndTime": b}
            if room_id is not None:
                params["RoomId"] = str(room_id)
            async for item in self._pages(action, params, "RoomList", page_size):
                room = RoomState.model_validate(item)
                if room.comm_id not in seen:  # a call spanning two windows appears in both
                    seen.add(room.comm_id)
                    yield room

    async def users(
        self,
        sdkappid: int,
        comm_id: str,
        start: int,
        end: int,
        *,
        user_ids: Sequence[str] | None = None,
        page_size: int = limits.MAX_PAGE_SIZE,
    ) -> AsyncIterator[UserInformation]:
        """Users of one call; at most 4 h per query, as TRTC allows."""
        action = "DescribeUserInfo"
        limits.check_range(action, start, end, now=self._now())
        limits.check_window(action, start, end, limits.USER_INFO_WINDOW_S)
        params: dict[str, Any] = {
            "SdkAppId": sdkappid,
            "CommId": comm_id,
            "StartTime": start,
            "EndTime": end,
        }
        if user_ids:
            params["UserIds"] = list(user_ids)
        async for item in self._pages(action, params, "UserList", page_size):
            yield UserInformation.model_validate(item)

    async def call_details(
        self,
        sdkappid: int,
        comm_id: str,
        start: int,
        end: int,
        *,
        user_ids: Sequence[str],
        data_types: Iterable[str],
    ) -> CallDetail:
        """Per-second metrics, split into 6-user batches and sub-hour windows, fetched
        concurrently (the limiter keeps the burst within TRTC's rate), each series
        merged back into one in time order. Metrics the site does not list (rtt and three
        others on the international site) are left out rather than refused by TRTC: the
        answer then simply has no such series."""
        action = "DescribeCallDetailInfo"
        asked = set(data_types)
        types = sorted(t for t in asked if sites.data_type_offered(self.site, t))
        if asked and not types:
            raise TrtcLimitError(
                f"{action}: {', '.join(sorted(asked))} not offered on the TRTC {self.site} site",
                action=action,
            )
        unknown = [t for t in types if t not in DATA_TYPES]
        if unknown or not types:
            raise TrtcLimitError(
                f"{action}: unknown DataType {', '.join(unknown) or '(none given)'}; "
                f"known: {', '.join(sorted(DATA_TYPES))}",
                action=action,
            )
        limits.check_range(action, start, end, now=self._now())
        users = list(dict.fromkeys(user_ids))
        if not users:
            raise TrtcLimitError(f"{action}: name at least one user", action=action)
        requests = [
            {
                "SdkAppId": sdkappid,
                "CommId": comm_id,
                "StartTime": a,
                "EndTime": b,
                "UserIds": batch,
                "DataType": types,
                "PageNumber": 0,
                "PageSize": limits.METRICS_PAGE_SIZE,
            }
            for batch in limits.batches(users, limits.METRICS_USER_BATCH)
            for a, b in limits.windows(start, end, limits.METRICS_WINDOW_S)
        ]
        answers = await asyncio.gather(
            *(self.transport.call(action, p, decode=load_call_detail) for p in requests)
        )
        return CallDetail.merge(CallDetail.from_response(a) for a in answers)

    async def user_events(
        self, sdkappid: int, comm_id: str, room: RoomId, user_id: str, start: int, end: int
    ) -> list[EventList]:
        action = "DescribeUserEvent"
        limits.check_range(action, start, end, now=self._now())
        answer = await self.transport.call(
            action,
            {
                "SdkAppId": sdkappid,
                "CommId": comm_id,
                "RoomId": str(room),
                "UserId": user_id,
                "StartTime": start,
                "EndTime": end,
            },
        )
        return [EventList.model_validate(x) for x in answer.get("Data") or []]

    async def scale(self, sdkappid: int, start: int, end: int) -> list[ScaleInfo]:
        """Daily room/user counts; the current, unfinished day is never returned."""
        action = "DescribeScaleInfo"
        limits.check_range(action, start, end, now=self._now())
        answer = await self.transport.call(
            action, {"SdkAppId": sdkappid, "StartTime": start, "EndTime": end}
        )
        return [ScaleInfo.model_validate(x) for x in answer.get("ScaleList") or []]
