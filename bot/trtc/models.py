"""Typed TRTC responses (API version 2019-07-22).

Field names follow Tencent's PascalCase on the wire and snake_case in Python.
The international site marks several outputs nullable, so every field has a
default: a missing or null field never breaks a reply.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic.alias_generators import to_pascal

# A room is numeric (RemoveUser, DismissRoom…) or a string (…ByStrRoomId).
RoomId = int | str


class TrtcModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        frozen=True,
        extra="ignore",  # Tencent adds output fields without notice
    )

    @field_validator("*", mode="before")
    @classmethod
    def _null_is_default(cls, value: Any, info: Any) -> Any:
        if value is None and info.field_name in cls.model_fields:
            default = cls.model_fields[info.field_name].get_default(call_default_factory=True)
            return default
        return value


class MuteMode(IntEnum):
    """SetUserBlocked's ``IsMute`` (2 and 3 exist only in the newer intl docs)."""

    UNBLOCK = 0
    AUDIO_AND_VIDEO = 1
    AUDIO = 2
    VIDEO = 3


class RoomState(TrtcModel):
    comm_id: str = ""
    room_string: str = ""
    create_time: int = 0
    destroy_time: int = 0
    is_finished: bool = False
    user_id: str = ""


class UserInformation(TrtcModel):
    room_str: str = ""
    user_id: str = ""
    join_ts: int = 0
    leave_ts: int = 0
    device_type: str = ""
    sdk_version: str = ""
    client_ip: str = ""
    finished: bool = False


class TimeValue(TrtcModel):
    time: int = 0
    value: float = 0.0


class QualityData(TrtcModel):
    content: list[TimeValue] = []
    user_id: str = ""
    peer_id: str = ""  # empty: upstream of user_id; otherwise downstream from peer_id
    data_type: str = ""

    @property
    def upstream(self) -> bool:
        return not self.peer_id


class EventMessage(TrtcModel):
    type: int = 0
    time: int = 0  # milliseconds, unlike every other TRTC time
    event_id: int = 0
    param_one: int = -1
    param_two: int = -1


class EventList(TrtcModel):
    content: list[EventMessage] = []
    peer_id: str = ""


class ScaleInfo(TrtcModel):
    """Tencent spells the type ``ScaleInfomation``; the fields are as documented."""

    time: int = 0
    user_number: int | None = None
    user_count: int | None = None
    room_numbers: int | None = None


class CallDetail(TrtcModel):
    """What DescribeCallDetailInfo returned, merged across its batches and windows."""

    users: list[UserInformation] = []
    data: list[QualityData] = []


# DataType names DescribeCallDetailInfo accepts (reference §7.3.1); "all" is every one.
DATA_TYPES = frozenset(
    {
        "appCpu",
        "sysCpu",
        "aBit",
        "aBlock",
        "bigvBit",
        "bigvCapFps",
        "bigvEncFps",
        "bigvDecFps",
        "bigvBlock",
        "aLoss",
        "bigvLoss",
        "bigvWidth",
        "bigvHeight",
        "aCapEnergy",
        "aPlayEnergy",
        "rtt",
        "bigvRecFps",
        "all",
    }
)
