"""Typed TRTC responses (API version 2019-07-22).

Field names follow Tencent's PascalCase on the wire and snake_case in Python.
The international site marks several outputs nullable, so every field has a
default: a missing or null field never breaks a reply.

DescribeCallDetailInfo's per-second samples (~120,000 per answer) are not
models: ``load_call_detail`` reads them from the body straight into numpy
arrays, and ``QualityData`` holds one series as two arrays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeGuard

import numpy as np
import numpy.typing as npt
import orjson
from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_pascal

from bot.trtc.errors import TrtcApiError, TrtcError, TrtcOutcomeUnknown
from bot.trtc.numbers import read_numbers as _read_numbers

# A room is numeric (RemoveUser, DismissRoom…) or a string (…ByStrRoomId).
RoomId = int | str
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class TrtcModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        frozen=True,
        extra="ignore",  # Tencent adds output fields without notice
    )

    @model_validator(mode="before")
    @classmethod
    def _null_is_missing(cls, data: Any) -> Any:
        # One check per object, not a validator call per field: a null field is
        # dropped, so it takes its default exactly as a missing one does.
        if isinstance(data, dict) and None in data.values():
            return {key: value for key, value in data.items() if value is not None}
        return data


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


# -- DescribeCallDetailInfo ---------------------------------------------------------------

Samples = tuple[IntArray, FloatArray]  # times (Unix s), values


@dataclass(frozen=True, slots=True, eq=False)
class QualityData:
    """One series of TRTC's ``QualityData``: ``values[i]`` at ``times[i]``.

    Times are Unix seconds, ascending and unique; ``peer_id`` is empty for the
    upstream of ``user_id``, otherwise the sender of the downstream series.
    """

    user_id: str
    peer_id: str
    data_type: str
    times: IntArray
    values: FloatArray

    @property
    def upstream(self) -> bool:
        return not self.peer_id

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.user_id, self.peer_id, self.data_type)


@dataclass(frozen=True, slots=True)
class CallDetail:
    """What DescribeCallDetailInfo returned, merged across its batches and windows."""

    users: tuple[UserInformation, ...] = ()
    data: tuple[QualityData, ...] = ()

    @classmethod
    def from_response(cls, response: Mapping[str, Any]) -> CallDetail:
        """One answer; ``Content`` as ``load_call_detail`` leaves it, or as JSON points."""
        users = tuple(
            UserInformation.model_validate(u)
            for u in response.get("UserList") or ()
            if isinstance(u, dict)
        )
        data = []
        for item in response.get("Data") or ():
            if not isinstance(item, dict):
                continue
            content = item.get("Content")
            times, values = content if isinstance(content, tuple) else _from_points(content)
            data.append(
                QualityData(
                    _text(item.get("UserId")),
                    _text(item.get("PeerId")),
                    _text(item.get("DataType")),
                    *_ordered(times, values),
                )
            )
        return cls(users, tuple(data))

    @classmethod
    def merge(cls, parts: Iterable[CallDetail]) -> CallDetail:
        """One series per (user, peer, DataType); where windows share their edge second,
        the later part's sample is kept. Users keep their first appearance."""
        users: dict[str, UserInformation] = {}
        series: dict[tuple[str, str, str], list[QualityData]] = {}
        for part in parts:
            for user in part.users:
                users.setdefault(user.user_id, user)
            for one in part.data:
                series.setdefault(one.key, []).append(one)
        return cls(tuple(users.values()), tuple(_joined(s) for s in series.values()))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _ordered(times: IntArray, values: FloatArray) -> Samples:
    """Ascending, unique times; of equal times the last sample is kept."""
    if times.size > 1 and not (times[1:] > times[:-1]).all():
        order = np.argsort(times, kind="stable")
        times, values = times[order], values[order]
        last = np.append(times[1:] != times[:-1], True)
        times, values = times[last], values[last]
    return times, values


def _joined(parts: Sequence[QualityData]) -> QualityData:
    if len(parts) == 1:
        return parts[0]
    times, values = _ordered(
        np.concatenate([p.times for p in parts]), np.concatenate([p.values for p in parts])
    )
    first = parts[0]
    return QualityData(first.user_id, first.peer_id, first.data_type, times, values)


def _from_points(points: Any) -> Samples:
    """Points as JSON objects; a point without a numeric Time and Value is no sample."""
    times: list[int] = []
    values: list[float] = []
    for point in points if isinstance(points, list) else ():
        if not isinstance(point, dict):
            continue
        t, v = point.get("Time"), point.get("Value")
        if _number(t) and _number(v):
            times.append(int(t))
            values.append(float(v))
    return np.array(times, dtype=np.int64), np.array(values, dtype=np.float64)


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


# Samples in the documented shape are cut out of the body, and the numbers of all of
# them read at once (``_read_numbers``): 4 MB of JSON in ~40 ms of CPU, against ~70 ms
# for orjson of the whole body (a dict per point) and ~140 ms for json.loads. The shape
# check is exact (only the two keys, in order, and numbers), so anything else (null,
# other key order, extra keys) is parsed whole, points as objects.
_CONTENT = re.compile(rb'"Content"\s*:\s*\[')
_WHITESPACE = b" \t\n\r"
_NOT_SHAPE = b"0123456789.+-" + _WHITESPACE
_NOT_NUMBER = b'{}":TimeValu' + _WHITESPACE
_POINT = b'{"Time":,"Value":}'


def load_call_detail(raw: bytes) -> Any:
    """The parsed DescribeCallDetailInfo body, each ``Data[].Content`` as ``Samples``."""
    counts: list[int] = []  # points per Content, in order
    numbers: list[bytes] = []  # "t,v,t,v,…" of each non-empty one
    parts: list[bytes] = []
    pos = 0
    while (found := _CONTENT.search(raw, pos)) is not None:
        close = raw.find(b"]", found.end())
        text = raw[found.end() : close]
        n = _count_points(text) if close >= 0 else None
        if n is None:
            return _load_slowly(raw)
        if n:
            numbers.append(text.translate(None, _NOT_NUMBER))
        parts += (raw[pos : found.start()], b'"Content":%d' % len(counts))
        counts.append(n)
        pos = close + 1
    if not counts:
        return _load_slowly(raw)
    flat = _read_numbers(b",".join(numbers))
    if flat is None or flat.size != 2 * sum(counts):
        return _load_slowly(raw)
    parts.append(raw[pos:])
    envelope = orjson.loads(b"".join(parts))
    cut: list[Samples] = []
    at = 0
    for n in counts:
        pairs = flat[at : at + 2 * n]
        cut.append((pairs[0::2].astype(np.int64), np.ascontiguousarray(pairs[1::2])))
        at += 2 * n
    for item in _data_items(envelope):
        index = item.get("Content")
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(cut):
            item["Content"] = cut[index]
    return envelope


def _count_points(text: bytes) -> int | None:
    """How many ``{"Time":t,"Value":v}`` the text holds; None when it has another shape."""
    shape = text.translate(None, _NOT_SHAPE)
    if not shape:
        return 0 if not text.strip() else None
    n = (len(shape) + 1) // (len(_POINT) + 1)
    if n == 0 or shape != (_POINT + b",") * (n - 1) + _POINT:
        return None
    return n


def _read_points(text: bytes) -> Samples | None:
    """``{"Time":t,"Value":v},…`` → arrays; None when the text has any other shape."""
    n = _count_points(text)
    flat = None if n is None else _read_numbers(text.translate(None, _NOT_NUMBER))
    if n is None or flat is None or flat.size != 2 * n:
        return None
    return flat[0::2].astype(np.int64), np.ascontiguousarray(flat[1::2])


def _load_slowly(raw: bytes) -> Any:
    envelope = orjson.loads(raw)
    for item in _data_items(envelope):
        item["Content"] = _from_points(item.get("Content"))
    return envelope


def _data_items(envelope: Any) -> list[dict[str, Any]]:
    response = envelope.get("Response") if isinstance(envelope, dict) else None
    data = response.get("Data") if isinstance(response, dict) else None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


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


@dataclass(frozen=True, slots=True)
class Removal:
    """What a kick did, user by user: TRTC takes ten users a request, and one request
    can fail while another succeeds. ``removed`` maps a user to the RequestId that
    removed them; ``failed`` to the refusal (nothing changed for them); ``unknown`` to
    a lost answer (TRTC may have removed them)."""

    removed: dict[str, str]
    failed: dict[str, TrtcError]
    unknown: dict[str, TrtcError]

    @property
    def complete(self) -> bool:
        return not self.failed and not self.unknown

    @property
    def request_ids(self) -> tuple[str, ...]:
        """Every RequestId TRTC gave, those of refusals and lost answers included."""
        ids = [*self.removed.values()]
        for error in [*self.failed.values(), *self.unknown.values()]:
            if isinstance(error, TrtcOutcomeUnknown):
                ids.extend(error.request_ids)
            elif isinstance(error, TrtcApiError) and error.request_id:
                ids.append(error.request_id)
        return tuple(dict.fromkeys(i for i in ids if i))
