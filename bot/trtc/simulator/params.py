"""Each action's parameters: names, JSON types, the codes TRTC answers when they are wrong.

Shape first (``read_params``: unknown name → UnknownParameter, absent →
the action's MissingParameter(.X), wrong JSON type → InvalidParameter), then
values (the ``check_*`` helpers, called by the handlers with the codes the
reference lists for that action). ``null`` counts as absent. GET requests carry
flattened strings (``UserIds.0=a``); ``unflatten`` rebuilds them and
``read_params(form=True)`` accepts decimal strings for Integer fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.trtc.rooms import MAX_NUMERIC_ROOM, STR_ROOM
from bot.trtc.rooms import MAX_STR_ROOM_BYTES as MAX_STR_ROOM_BYTES
from bot.trtc.simulator.envelope import ApiError

LOOKBACK_S = 14 * 86400
MAX_ROOM_ID = MAX_NUMERIC_ROOM  # numeric rooms are uint32, 1 .. 2^32 - 2
MAX_USER_ID_BYTES = 32


class WireType(Enum):
    INT = "Integer"
    STR = "String"
    STR_LIST = "Array of String"
    # Nested parameters (relay, ingest): shape-checked here, fields by their handlers.
    OBJ = "Object"
    OBJ_LIST = "Array of Object"
    BOOL = "Boolean"
    FLOAT = "Float"


@dataclass(frozen=True)
class Param:
    name: str
    kind: WireType
    missing: str | None = None  # the MissingParameter code; None = optional


def _p(name: str, kind: WireType, missing: str | None = None) -> Param:
    return Param(name, kind, missing)


_I, _S, _L, _O = WireType.INT, WireType.STR, WireType.STR_LIST, WireType.OBJ
_APP = _p("SdkAppId", _I, "MissingParameter.SdkAppId")
_START = _p("StartTime", _I, "MissingParameter.StartTs")
_END = _p("EndTime", _I, "MissingParameter.EndTs")
_COMM = _p("CommId", _S, "MissingParameter.CommId")
_TASK = _p("TaskId", _S, "MissingParameter.TaskId")
_PAGES = (_p("PageNumber", _I), _p("PageSize", _I))
_USAGE = (
    _p("StartTime", _S, "MissingParameter"),
    _p("EndTime", _S, "MissingParameter"),
    _p("SdkAppId", _I),
)

SPECS: dict[str, tuple[Param, ...]] = {
    "RemoveUser": (
        _APP,
        _p("RoomId", _I, "MissingParameter.RoomId"),
        _p("UserIds", _L, "MissingParameter.UserIds"),
    ),
    "RemoveUserByStrRoomId": (
        _APP,
        _p("RoomId", _S, "MissingParameter.RoomId"),
        _p("UserIds", _L, "MissingParameter.UserIds"),
    ),
    "DismissRoom": (_APP, _p("RoomId", _I, "MissingParameter.RoomId")),
    "DismissRoomByStrRoomId": (_APP, _p("RoomId", _S, "MissingParameter.RoomId")),
    "SetUserBlocked": (
        _APP,
        _p("RoomId", _I, "MissingParameter.RoomId"),
        _p("UserId", _S, "MissingParameter"),
        _p("IsMute", _I, "MissingParameter"),
    ),
    "SetUserBlockedByStrRoomId": (
        _APP,
        _p("StrRoomId", _S, "MissingParameter.RoomId"),
        _p("UserId", _S, "MissingParameter.UserId"),
        _p("IsMute", _I, "MissingParameter"),
    ),
    "DescribeRoomInfo": (_APP, _START, _END, _p("RoomId", _S), *_PAGES),
    "DescribeUserInfo": (_COMM, _START, _END, _APP, _p("UserIds", _L), *_PAGES),
    "DescribeCallDetailInfo": (
        _COMM,
        _START,
        _END,
        _APP,
        _p("UserIds", _L),
        _p("DataType", _L),
        *_PAGES,
    ),
    "DescribeUserEvent": (
        _COMM,
        _START,
        _END,
        _p("UserId", _S, "MissingParameter.UserId"),
        _p("RoomId", _S, "MissingParameter.RoomId"),
        _p("SdkAppId", _I, "MissingParameter.AppId"),
    ),
    "DescribeScaleInfo": (_APP, _START, _END),
    # Usage statistics (trtc-server-api-2.md §7): dates as strings, the app optional.
    "DescribeTrtcUsage": _USAGE,
    "DescribeRecordingUsage": (*_USAGE, _p("MixType", _S, "MissingParameter")),
    "DescribeMixTranscodingUsage": _USAGE,
    "DescribeRelayUsage": _USAGE,
    # "SdkAppid", lower-case "id", in this action only (both SDKs serialise it so).
    "DescribeTrtcRoomUsage": (
        _p("SdkAppid", _I, "MissingParameter"),
        _p("StartTime", _S, "MissingParameter"),
        _p("EndTime", _S, "MissingParameter"),
    ),
    # On-cloud recording (trtc-server-api-2.md §4); structures are checked in recording.py.
    "CreateCloudRecording": (
        _APP,
        _p("RoomId", _S, "MissingParameter.RoomId"),
        _p("UserId", _S, "MissingParameter.UserId"),
        _p("UserSig", _S, "MissingParameter.UserSig"),
        _p("RecordParams", _O, "MissingParameter.RecordParams"),
        _p("StorageParams", _O, "MissingParameter.StorageParams"),
        _p("RoomIdType", _I),
        _p("MixTranscodeParams", _O),
        _p("MixLayoutParams", _O),
        _p("ResourceExpiredHour", _I),
        _p("PrivateMapKey", _S),
    ),
    "DescribeCloudRecording": (_APP, _TASK, _p("RecorderKey", _S)),
    "ModifyCloudRecording": (
        _APP,
        _TASK,
        _p("MixLayoutParams", _O),
        _p("SubscribeStreamUserIds", _O),
    ),
    "DeleteCloudRecording": (_APP, _TASK),
    # Relay to CDN and stream ingest (trtc-server-api-2.md §5-6); values: relay.py.
    "StartPublishCdnStream": (
        _p("SdkAppId", _I, "MissingParameter"),
        _p("RoomId", _S, "MissingParameter"),
        _p("RoomIdType", _I, "MissingParameter"),
        _p("AgentParams", WireType.OBJ, "MissingParameter"),
        _p("WithTranscoding", _I, "MissingParameter"),
        _p("AudioParams", WireType.OBJ),
        _p("VideoParams", WireType.OBJ),
        _p("SingleSubscribeParams", WireType.OBJ),
        _p("PublishCdnParams", WireType.OBJ_LIST),
        _p("SeiParams", WireType.OBJ),
        _p("FeedBackRoomParams", WireType.OBJ_LIST),
        _p("RecordParams", WireType.OBJ),
    ),
    "UpdatePublishCdnStream": (
        _p("SdkAppId", _I, "MissingParameter"),
        _p("TaskId", _S, "MissingParameter"),
        _p("SequenceNumber", _I, "MissingParameter"),
        _p("WithTranscoding", _I, "MissingParameter"),
        _p("AudioParams", WireType.OBJ),
        _p("VideoParams", WireType.OBJ),
        _p("SingleSubscribeParams", WireType.OBJ),
        _p("PublishCdnParams", WireType.OBJ_LIST),
        _p("SeiParams", WireType.OBJ),
        _p("FeedBackRoomParams", WireType.OBJ_LIST),
    ),
    "StopPublishCdnStream": (
        _p("SdkAppId", _I, "MissingParameter"),
        _p("TaskId", _S, "MissingParameter"),
        _p("RecordKey", _S),
    ),
    "StartStreamIngest": (
        _APP,
        _p("RoomId", _S, "MissingParameter.RoomId"),
        _p("RoomIdType", _I, "InvalidParameter.BodyParamsError"),
        _p("UserId", _S, "InvalidParameter.BodyParamsError"),
        _p("UserSig", _S, "InvalidParameter.UserSig"),
        _p("StreamUrl", _S),
        _p("PrivateMapKey", _S),
        _p("VideoEncodeParams", WireType.OBJ),
        _p("AudioEncodeParams", WireType.OBJ),
        _p("SourceUrl", _L),
        _p("SeekSecond", _I),
        _p("AutoPush", WireType.BOOL),
        _p("RepeatNum", _I),
        _p("MaxDuration", _I),
        _p("Volume", _I),
        _p("EnableProgress", WireType.BOOL),
        _p("Tempo", WireType.FLOAT),
        _p("IdleTimeout", _I),
    ),
    "StopStreamIngest": (
        _p("SdkAppId", _I, "InvalidParameter.SdkAppId"),
        _p("TaskId", _S, "InvalidParameter.TaskId"),
    ),
    "DescribeStreamIngest": (_APP, _p("TaskId", _S, "MissingParameter.TaskId")),
}
# Ingest lists BodyParamsError; relay only InvalidParameter (its error lists, §5-6).
_INGEST = ("StartStreamIngest", "StopStreamIngest")

# The history APIs list InvalidParameter.BodyParamsError; the others only InvalidParameter.
BODY_ERROR: dict[str, str] = {
    name: "InvalidParameter.BodyParamsError"
    if (name.startswith("Describe") and "Usage" not in name and "Recording" not in name)
    or name in _INGEST
    else "InvalidParameter"
    for name in SPECS
}


def _type_error(name: str, kind: WireType, value: object) -> ApiError:
    got = type(value).__name__
    return ApiError(
        "InvalidParameter",
        f"The value type of parameter `{name}` is invalid: expected {kind.value}, got {got}.",
    )


def _read(param: Param, value: object, *, form: bool) -> object:
    if param.kind is WireType.INT:
        if form and isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value.strip())
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _type_error(param.name, param.kind, value)
    if param.kind is WireType.OBJ:
        if isinstance(value, dict):
            return value
        raise _type_error(param.name, param.kind, value)
    if param.kind is WireType.STR:
        if isinstance(value, str):
            return value
        raise _type_error(param.name, param.kind, value)
    if param.kind is WireType.BOOL:
        if isinstance(value, bool):
            return value
        if form and isinstance(value, str) and value in ("true", "false"):
            return value == "true"
        raise _type_error(param.name, param.kind, value)
    if param.kind is WireType.FLOAT:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise _type_error(param.name, param.kind, value)
    if param.kind is WireType.OBJ_LIST:
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            return list(value)
        raise _type_error(param.name, param.kind, value)
    if not isinstance(value, list):
        raise _type_error(param.name, param.kind, value)
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise _type_error(f"{param.name}.{index}", WireType.STR, item)
    return list(value)


def read_params(action: str, raw: Mapping[str, Any], *, form: bool = False) -> dict[str, Any]:
    """Check names, presence and JSON types; return only the parameters that were sent."""
    spec = {p.name: p for p in SPECS[action]}
    for name in raw:
        if name not in spec:
            raise ApiError("UnknownParameter", f"The parameter `{name}` is not recognized.")
    out: dict[str, Any] = {}
    for param in SPECS[action]:
        value = raw.get(param.name)
        if value is None:
            if param.missing is not None:
                raise ApiError(
                    param.missing,
                    f"The request is missing a required parameter `{param.name}`.",
                )
            continue
        out[param.name] = _read(param, value, form=form)
    return out


def unflatten(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``UserIds.0=a&UserIds.1=b`` → ``{"UserIds": ["a", "b"]}`` (values stay strings)."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        node = root
        *parents, leaf = key.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ApiError("InvalidParameter", f"The parameter `{key}` is malformed.")
            node = child
        node[leaf] = value
    return {k: _listify(v) for k, v in root.items()}


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    items = {k: _listify(v) for k, v in node.items()}
    if items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


# -- value checks --------------------------------------------------------------


def check_numeric_room(room_id: int, code: str = "InvalidParameterValue.RoomId") -> None:
    if not 1 <= room_id <= MAX_ROOM_ID:
        raise ApiError(code, f"RoomId {room_id} is out of range [1, {MAX_ROOM_ID}].")


def check_string_room(room_id: str, code: str = "InvalidParameter.RoomId") -> None:
    if not room_id or len(room_id.encode()) > MAX_STR_ROOM_BYTES:
        raise ApiError(code, f"The string room id must be 1-{MAX_STR_ROOM_BYTES} bytes.")
    if not STR_ROOM.fullmatch(room_id):
        raise ApiError(code, f"The string room id `{room_id}` contains unsupported characters.")


def check_user_id(user_id: str, code: str) -> None:
    if not user_id.strip() or len(user_id.encode()) > MAX_USER_ID_BYTES:
        raise ApiError(code, f"UserId `{user_id}` must be 1-{MAX_USER_ID_BYTES} bytes.")


def check_time_range(
    start: int, end: int, *, now: int, max_span_s: int | None, lookback: bool = True
) -> None:
    """StartTime/EndTime rules shared by the history APIs."""
    if start < 0:
        raise ApiError("InvalidParameter.StartTs", f"StartTime {start} is not a valid time.")
    if end < start:
        raise ApiError(
            "InvalidParameter.EndTs", f"EndTime {end} is earlier than StartTime {start}."
        )
    if lookback and start < now - LOOKBACK_S:
        raise ApiError(
            "InvalidParameter.StartTsOversize",
            "StartTime is more than 14 days ago; only the last 14 days can be queried.",
        )
    if max_span_s is not None and end - start > max_span_s:
        raise ApiError(
            "InvalidParameter.QueryScaleOversize",
            f"EndTime - StartTime is {end - start} s; at most {max_span_s} s is allowed.",
        )


def paging(params: Mapping[str, Any], *, default_size: int, max_size: int) -> tuple[int, int]:
    """(page number, page size). The docs: if either is omitted, the default size applies."""
    number = params.get("PageNumber")
    size = params.get("PageSize")
    if number is not None and number < 0:
        raise ApiError("InvalidParameter.PageNumber", f"PageNumber {number} must be >= 0.")
    if size is not None and size < 1:
        raise ApiError("InvalidParameter.PageSize", f"PageSize {size} must be >= 1.")
    if size is not None and size > max_size:
        raise ApiError(
            "InvalidParameter.PageSizeOversize", f"PageSize {size} exceeds the maximum {max_size}."
        )
    if number is None or size is None:
        return (number or 0, default_size)
    return (number, size)
