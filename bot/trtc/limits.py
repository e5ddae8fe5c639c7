"""TRTC's documented limits, and the splitting that respects them by construction.

Numbers are from the API reference (trtc-server-api.md §6–7). A request that no
split can make legal (too old, empty range) fails here, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from bot.trtc.errors import TrtcLimitError

T = TypeVar("T")

REQUESTS_PER_SECOND = 20  # every API used here, but for those below
# Actions documented slower (trtc-server-api-2.md §1 and §7): the usage statistics.
SLOWER_ACTIONS: dict[str, float] = {
    "DescribeTrtcUsage": 5,
    "DescribeRecordingUsage": 5,
    "DescribeMixTranscodingUsage": 5,
    "DescribeRelayUsage": 5,
    "DescribeTrtcRoomUsage": 1 / 15,  # one request per 15 s
}
REMOVE_USER_BATCH = 10  # RemoveUser / RemoveUserByStrRoomId: UserIds max 10
METRICS_USER_BATCH = 6  # DescribeCallDetailInfo with DataType: at most 6 users
LOOKBACK_S = 14 * 86400  # history APIs: at most 14 days back
ROOM_INFO_WINDOW_S = 24 * 3600  # DescribeRoomInfo: EndTime - StartTime <= 24 h
USER_INFO_WINDOW_S = 4 * 3600  # DescribeUserInfo: <= 4 h
# DescribeCallDetailInfo with DataType: "less than 1 h"; beyond it the API returns null.
METRICS_WINDOW_S = 3600 - 1
MAX_PAGE_SIZE = 100
METRICS_PAGE_SIZE = 6


def requests_per_second(action: str, general: float) -> float:
    """How many ``action`` calls may leave per second: its documented limit where TRTC
    gives one below ``general`` (the configured TRTC_RATE_LIMIT), else ``general``."""
    return min(general, SLOWER_ACTIONS.get(action, general))


def batches(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def windows(start: int, end: int, width: int) -> Iterator[tuple[int, int]]:
    """Consecutive [a, b] windows covering [start, end], each at most ``width`` long."""
    while start < end:
        stop = min(start + width, end)
        yield start, stop
        start = stop


def check_range(action: str, start: int, end: int, *, now: float) -> None:
    """Refuse what TRTC would refuse, with words a person can act on."""
    if end <= start:
        raise TrtcLimitError(
            f"{action}: the end time must be after the start time (got {start} → {end})",
            action=action,
        )
    oldest = int(now) - LOOKBACK_S
    if start < oldest:
        raise TrtcLimitError(
            f"{action}: TRTC keeps call history for 14 days; the start time is "
            f"{(oldest - start) // 3600 + 1} h too old",
            action=action,
        )


def check_window(action: str, start: int, end: int, width: int) -> None:
    if end - start > width:
        raise TrtcLimitError(
            f"{action}: TRTC accepts at most {width // 3600} h per query "
            f"(asked for {(end - start) / 3600:.1f} h); narrow the range",
            action=action,
        )
