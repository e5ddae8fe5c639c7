"""Scenario files: rooms, users and scripted trouble with a known truth.

A scenario is YAML (or JSON) read into pydantic models; anything unexpected is
refused with the file and the path of the bad field. Times are relative: a room
started ``started_minutes_ago`` before the simulator starts, and everything in
it (joins, leaves, the script) is in minutes from the room's start, so the same
file gives the same story whenever it runs. Example::

    include_defaults: true          # keep the default world (rooms 1234, "standup", ...)
    edition: basic                  # monitoring package (bot/editions.py); default advanced
    history_lag_s: 60               # history data arrive this late (default 0)
    rooms:
      - sdkappid: 1400000001        # default
        room: 4321                  # a number → numeric room; a string → string room
        started_minutes_ago: 20
        users:
          - {id: xavier, device: android, os: "Android 14", sdk: "11.8.0.14", network: 4g}
          - {id: yolanda, device: web, network: wifi, join_minute: 1}
          - zeno                     # a bare id takes the defaults
        script:
          - {kind: loss, user: xavier, media: audio, direction: up, percent: 20,
             from_minute: 5, to_minute: 9}
          - {kind: exit, user: yolanda, at_minute: 12, reason: timeout}   # abnormal exit
          - {kind: network, user: zeno, at_minute: 3, to: 4g}             # Wi-Fi → 4G
        comebacks:                  # removed, xavier enters again 2 s later, 5 times at most
          - {user: xavier, after_s: 2, times: 5}

``relays:`` and ``ingests:`` put CDN relays and stream ingests on air before the
bot starts (``{room: 1234, url: "rtmp://live.example.com/live/key", stop_error:
AuthFailure.UnauthorizedOperation}``; see relay.py).

Script steps: ``loss`` (percent, media audio|video|both, direction up|down),
``rtt`` (ms added), ``cpu`` (app CPU percent added), ``exit`` (reason
normal|timeout; timeout is TRTC's abnormal exit, EventId 7001 ParamOne 1) and
``network`` (a switch to wifi|4g|3g|2g|wired). ``lost_answers: {drop: 0.01,
timeout: 0.01, internal_error: 0.02}`` applies writes and then loses their answer.
``usage: {background_rooms: 40, spike: {days_ago: 2, room: 4242, users: 400,
hours: 4, tier: HD}}`` shapes what the usage APIs report beyond the calls (usage.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.editions import edition
from bot.trtc.simulator.call import DeviceType, Network
from bot.trtc.simulator.params import MAX_ROOM_ID, MAX_STR_ROOM_BYTES, MAX_USER_ID_BYTES

DEFAULT_APP = 1400000001
Minutes = Annotated[float, Field(ge=0)]


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message names the file and the field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UserSpec(_Model):
    id: str = Field(min_length=1, max_length=MAX_USER_ID_BYTES)
    device: DeviceType = "ios"
    os: str | None = None  # default per device
    sdk: str | None = None  # SdkVersion; default per device
    network: Network = "wifi"
    ip: str | None = None
    join_minute: Minutes = 0
    leave_minute: Minutes | None = None  # a normal leave
    publishes: bool = True  # False: audience, sends no audio/video
    video: Literal["360p", "540p", "720p"] = "540p"
    fps: int = Field(default=15, ge=1, le=60)

    @model_validator(mode="after")
    def _leave_after_join(self) -> UserSpec:
        if self.leave_minute is not None and self.leave_minute <= self.join_minute:
            raise ValueError(f"user {self.id!r}: leave_minute must be after join_minute")
        return self


class _Interval(_Model):
    user: str
    from_minute: Minutes
    to_minute: Minutes

    @model_validator(mode="after")
    def _ordered(self) -> _Interval:
        if self.to_minute <= self.from_minute:
            raise ValueError("to_minute must be after from_minute")
        return self


class LossStep(_Interval):
    kind: Literal["loss"]
    percent: float = Field(gt=0, le=100)
    media: Literal["audio", "video", "both"] = "audio"
    direction: Literal["up", "down"] = "up"


class RttStep(_Interval):
    kind: Literal["rtt"]
    ms: float = Field(gt=0, le=10000)


class CpuStep(_Interval):
    kind: Literal["cpu"]
    percent: float = Field(gt=0, le=100)


class ExitStep(_Model):
    kind: Literal["exit"]
    user: str
    at_minute: Minutes
    reason: Literal["normal", "timeout"] = "timeout"


class NetworkStep(_Model):
    kind: Literal["network"]
    user: str
    at_minute: Minutes
    to: Network


class ComebackStep(_Model):
    """After each removal the user enters again ``after_s`` later, up to ``times`` times."""

    user: str
    after_s: float = Field(default=2.0, ge=0, le=3600)
    times: int = Field(default=3, ge=1, le=10000)


Step = Annotated[LossStep | RttStep | CpuStep | ExitStep | NetworkStep, Field(discriminator="kind")]


class RoomSpec(_Model):
    sdkappid: int = Field(default=DEFAULT_APP, ge=1)
    room: int | str
    started_minutes_ago: Minutes = 30
    ended_minutes_ago: Minutes | None = None  # None: still live
    creator: str | None = None  # default: the first user
    users: list[UserSpec] = Field(min_length=1)
    script: list[Step] = Field(default_factory=list)
    # Users who come back after being removed (``sim join`` does it by hand).
    comebacks: list[ComebackStep] = Field(default_factory=list)

    @field_validator("users", mode="before")
    @classmethod
    def _bare_ids(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"id": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("room")
    @classmethod
    def _room_id(cls, value: int | str) -> int | str:
        if isinstance(value, int) and not 1 <= value <= MAX_ROOM_ID:
            raise ValueError(f"a numeric room id must be 1..{MAX_ROOM_ID}")
        if isinstance(value, str) and not 1 <= len(value.encode()) <= MAX_STR_ROOM_BYTES:
            raise ValueError(f"a string room id must be 1-{MAX_STR_ROOM_BYTES} bytes")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RoomSpec:
        ids = [u.id for u in self.users]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate user ids: {', '.join(duplicates)}")
        if self.creator is not None and self.creator not in ids:
            raise ValueError(f"creator {self.creator!r} is not one of the users")
        if self.ended_minutes_ago is not None and (
            self.ended_minutes_ago >= self.started_minutes_ago
        ):
            raise ValueError("ended_minutes_ago must be smaller than started_minutes_ago")
        joins = {u.id: u.join_minute for u in self.users}
        for index, step in enumerate(self.script):
            if step.user not in joins:
                raise ValueError(f"script[{index}]: user {step.user!r} is not in this room")
            at = step.from_minute if isinstance(step, _Interval) else step.at_minute
            if at < joins[step.user]:
                raise ValueError(
                    f"script[{index}]: starts at minute {at:g}, before {step.user!r} joins "
                    f"(minute {joins[step.user]:g})"
                )
        for index, comeback in enumerate(self.comebacks):
            if comeback.user not in joins:
                raise ValueError(f"comebacks[{index}]: user {comeback.user!r} is not in this room")
        exits = [s.user for s in self.script if isinstance(s, ExitStep)]
        if len(exits) != len(set(exits)):
            raise ValueError("a user can exit only once")
        return self

    @property
    def numeric(self) -> bool:
        return isinstance(self.room, int)


class LostAnswerRates(_Model):
    """Writes applied and then answered badly (see lost.py), as fractions."""

    drop: float = Field(default=0.0, ge=0, le=1)
    timeout: float = Field(default=0.0, ge=0, le=1)
    internal_error: float = Field(default=0.0, ge=0, le=1)


UsageTier = Literal["Audio", "SD", "HD", "FullHD", "2K", "4K"]


class SpikeSpec(_Model):
    """One day on which one room burns far more minutes than usual."""

    days_ago: int = Field(default=2, ge=0, le=60)
    room: int | str = 4242
    users: int = Field(default=400, ge=1, le=100_000)
    hours: float = Field(default=4.0, gt=0, le=20)
    tier: UsageTier = "HD"


class UsageSpec(_Model):
    """Usage older than the calls: seeded rooms each day, plus an optional spike."""

    background_rooms: int = Field(default=40, ge=0, le=1000)  # per day, for 40 days
    spike: SpikeSpec | None = Field(default_factory=SpikeSpec)


class RecordingFaults(_Model):
    """``recording: {upload_fails: true}``: every recording upload fails;
    ``never_starts: true``: tasks are accepted and never record (simulator/recorder.py)."""

    upload_fails: bool = False
    never_starts: bool = False


class RelaySpec(_Model):
    """A CDN relay already on air when the simulator starts (relay.py)."""

    sdkappid: int = Field(default=DEFAULT_APP, ge=1)
    room: int | str
    url: str = Field(pattern=r"^rtmp://[^/\s]+/\S+$")  # the push URL, stream key and all
    robot: str = Field(default="cdn_relay_robot", min_length=1, max_length=MAX_USER_ID_BYTES)
    started_minutes_ago: Minutes = 5
    mixed: bool = False
    # StopPublishCdnStream is answered with this code and the relay goes on.
    stop_error: str | None = None
    # The CDN drops at this minute after the simulator starts: recovering, then failure.
    fails_minute: Minutes | None = None


class IngestSpec(_Model):
    """A stream ingest already running when the simulator starts."""

    sdkappid: int = Field(default=DEFAULT_APP, ge=1)
    room: int | str
    url: str = Field(pattern=r"^(rtmps?|https?|srt)://\S+$")
    user: str = Field(default="bot_ingest", min_length=1, max_length=MAX_USER_ID_BYTES)
    started_minutes_ago: Minutes = 5
    ends_minute: Minutes | None = None  # minutes after the simulator starts; None: runs on


class Scenario(_Model):
    include_defaults: bool = True
    apps: list[int] = Field(default_factory=list)  # extra SdkAppIds with no rooms
    rooms: list[RoomSpec] = Field(default_factory=list)
    # Unless the command line sets rates (``--lost-answers``), these apply.
    lost_answers: LostAnswerRates = Field(default_factory=LostAnswerRates)
    edition: str | None = None  # a name from bot.editions.EDITIONS (or an alias)
    history_lag_s: float | None = Field(default=None, ge=0)
    usage: UsageSpec | None = None  # None: the default world's (if included), else none
    recording: RecordingFaults = Field(default_factory=RecordingFaults)
    relays: list[RelaySpec] = Field(default_factory=list)
    ingests: list[IngestSpec] = Field(default_factory=list)

    @field_validator("edition")
    @classmethod
    def _known_edition(cls, value: str | None) -> str | None:
        return None if value is None else edition(value).name

    @model_validator(mode="after")
    def _unique_live_rooms(self) -> Scenario:
        seen: set[tuple[int, bool, str]] = set()
        for room in self.rooms:
            key = (room.sdkappid, room.numeric, str(room.room))
            if room.ended_minutes_ago is None and key in seen:
                raise ValueError(f"room {room.room!r} of {room.sdkappid} is live twice")
            if room.ended_minutes_ago is None:
                seen.add(key)
        return self

    def app_ids(self) -> set[int]:
        return {*self.apps, *(r.sdkappid for r in self.rooms)}


def parse_scenario(data: object, *, source: str = "<scenario>") -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as invalid:
        lines = [f"{source}: invalid scenario ({invalid.error_count()} problem(s))"]
        for error in invalid.errors():
            where = ".".join(str(part) for part in error["loc"]) or "(top level)"
            lines.append(f"  {where}: {error['msg']}")
        raise ScenarioError("\n".join(lines)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a YAML or JSON scenario file (``.json`` is parsed as JSON, anything else as YAML)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as err:
        raise ScenarioError(f"{file}: cannot read scenario: {err.strerror}") from None
    try:
        data = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        raise ScenarioError(f"{file}: not valid {file.suffix or 'YAML'}: {err}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{file}: a scenario must be a mapping with `rooms:`")
    return parse_scenario(data, source=str(file))
