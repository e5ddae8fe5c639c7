"""The eleven actions the simulator answers, with the regions each one accepts.

Regions are the union of what the mainland and international API pages list
(trtc-server-api.md §1); a request for another region gets UnsupportedRegion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.trtc.simulator import history, management
from bot.trtc.simulator.world import World

VERSION = "2019-07-22"

Handler = Callable[[World, dict[str, Any], int], dict[str, Any]]

_ROOMS = frozenset({"ap-beijing", "ap-guangzhou", "ap-singapore", "ap-mumbai"})
_BLOCK = frozenset({"ap-beijing", "ap-guangzhou", "ap-singapore"})
_HISTORY = frozenset({"ap-beijing", "ap-guangzhou", "ap-mumbai", "ap-singapore", "na-toronto"})


@dataclass(frozen=True)
class Action:
    name: str
    handler: Handler
    regions: frozenset[str]


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("RemoveUser", management.remove_user, _ROOMS),
        Action("RemoveUserByStrRoomId", management.remove_user_by_str_room_id, _ROOMS),
        Action("DismissRoom", management.dismiss_room, _ROOMS),
        Action("DismissRoomByStrRoomId", management.dismiss_room_by_str_room_id, _ROOMS),
        Action("SetUserBlocked", management.set_user_blocked, _BLOCK),
        Action("SetUserBlockedByStrRoomId", management.set_user_blocked_by_str_room_id, _BLOCK),
        Action("DescribeRoomInfo", history.describe_room_info, _HISTORY),
        Action("DescribeUserInfo", history.describe_user_info, _HISTORY),
        Action("DescribeCallDetailInfo", history.describe_call_detail_info, _HISTORY),
        Action("DescribeUserEvent", history.describe_user_event, _HISTORY),
        Action("DescribeScaleInfo", history.describe_scale_info, _HISTORY),
    )
}
