"""The six relay and ingest actions: documented validation, limits and error codes.

Codes are those the reference lists per action (trtc-server-api-2.md §5.1-5.3, §6.1-6.3).
Where the docs name no code for a rule, the nearest listed one is used and marked
UNCONFIRMED: StartPublishCdnStream without AudioParams (MissingParameter), StartStreamIngest
without StreamUrl (InvalidParameter.StreamUrl), a stale SequenceNumber (the mainland
spelling FailedOperation.RequestOutdated).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.trtc.simulator.envelope import ApiError
from bot.trtc.simulator.params import MAX_ROOM_ID, check_string_room, check_user_id
from bot.trtc.simulator.relay import (
    CONNECT_S,
    MAX_TASKS_PER_APP,
    IngestTask,
    RelayTask,
    desk_of,
)
from bot.trtc.simulator.world import Change, World
from bot.trtc.usersig import BadSig, verify

MAX_TARGETS = 10
INGEST_SCHEMES = ("rtmp", "rtmps", "http", "https", "srt")
_RATES = (48000, 44100, 32000, 24000, 16000, 8000)


def _app(world: World, sdkappid: int, unknown: str, foreign: str) -> None:
    if sdkappid in world.foreign_apps:
        raise ApiError(foreign, f"SdkAppId {sdkappid} does not belong to this account.")
    if not world.has_app(sdkappid):
        raise ApiError(unknown, f"SdkAppId {sdkappid} does not exist.")


def _int_in(value: object, name: str, low: int, high: int, code: str = "InvalidParameter") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ApiError(code, f"{name} must be an integer in [{low}, {high}].")
    return value


def _obj(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ApiError("InvalidParameter", f"{name} must be an object.")
    return value


def _room(room_id: str, numeric: bool, code: str) -> tuple[str, bool]:
    if numeric:
        if not (room_id.isascii() and room_id.isdigit()) or not 1 <= int(room_id) <= MAX_ROOM_ID:
            raise ApiError(code, f"RoomId {room_id!r} is not a numeric room id.")
        return str(int(room_id)), True
    check_string_room(room_id, code)
    return room_id, False


def _audio(audio: Mapping[str, Any]) -> None:
    encode = audio.get("AudioEncode")
    if encode is None:
        return
    encode = _obj(encode, "AudioParams.AudioEncode")
    if encode.get("SampleRate") not in _RATES:
        raise ApiError("InvalidParameter", f"AudioEncode.SampleRate must be one of {_RATES}.")
    channel = _int_in(encode.get("Channel"), "AudioEncode.Channel", 1, 2)
    _int_in(encode.get("BitRate"), "AudioEncode.BitRate", 8, 500)
    codec = _int_in(encode.get("Codec", 0), "AudioEncode.Codec", 0, 2)
    if codec == 2 and channel != 2:
        raise ApiError("InvalidParameter", "HE-AACv2 (Codec 2) requires Channel 2.")
    if codec and encode["SampleRate"] == 8000:
        raise ApiError("InvalidParameter", "HE-AAC does not support 8000 Hz.")


def _video(video: Mapping[str, Any], transcoding: int) -> None:
    encode = video.get("VideoEncode")
    if encode is not None:
        encode = _obj(encode, "VideoParams.VideoEncode")
        for name, low, high in (
            ("Width", 0, 1920),
            ("Height", 0, 1920),
            ("Fps", 1, 60),
            ("BitRate", 1, 10000),
            ("Gop", 1, 5),
        ):
            _int_in(encode.get(name), f"VideoEncode.{name}", low, high)
    layout = video.get("LayoutParams")
    if layout is not None:
        if not transcoding:
            raise ApiError("InvalidParameter", "A layout needs WithTranscoding 1.")
        layout = _obj(layout, "VideoParams.LayoutParams")
        _int_in(layout.get("MixLayoutMode", 1), "LayoutParams.MixLayoutMode", 1, 4)
        if len(layout.get("MixLayoutList") or []) > 16:
            raise ApiError("InvalidParameter", "MixLayoutList has more than 16 entries.")


def _targets(params: Mapping[str, Any]) -> list[str]:
    targets = params.get("PublishCdnParams") or []
    if len(targets) > MAX_TARGETS:
        raise ApiError("InvalidParameter", f"PublishCdnParams has more than {MAX_TARGETS} URLs.")
    urls = []
    for index, target in enumerate(targets):
        url = target.get("PublishCdnUrl")
        if not isinstance(url, str) or not url:
            raise ApiError(
                "MissingParameter", f"PublishCdnParams.{index}.PublishCdnUrl is missing."
            )
        if urlsplit(url).scheme.lower() != "rtmp" or not urlsplit(url).hostname:
            raise ApiError("InvalidParameter", f"PublishCdnParams.{index}: only RTMP URLs.")
        _int_in(target.get("IsTencentCdn", 1), "IsTencentCdn", 0, 1)
        urls.append(url)
    if len(params.get("FeedBackRoomParams") or []) > MAX_TARGETS:
        raise ApiError("InvalidParameter", f"FeedBackRoomParams has more than {MAX_TARGETS}.")
    return urls


def start_publish_cdn_stream(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    room_type = _int_in(p["RoomIdType"], "RoomIdType", 0, 1)
    room, numeric = _room(p["RoomId"], room_type == 0, "InvalidParameter")
    transcoding = _int_in(p["WithTranscoding"], "WithTranscoding", 0, 1)
    agent = _obj(p["AgentParams"], "AgentParams")
    robot = agent.get("UserId")
    if not isinstance(robot, str) or not robot:
        raise ApiError("MissingParameter", "AgentParams.UserId is missing.")
    check_user_id(robot, "InvalidParameter")
    _int_in(agent.get("MaxIdleTime", 30), "AgentParams.MaxIdleTime", 5, 86400)
    if "AudioParams" not in p:  # the docs: must be given at start (code UNCONFIRMED)
        raise ApiError("MissingParameter", "AudioParams must be given when a relay starts.")
    _audio(_obj(p["AudioParams"], "AudioParams"))
    if "VideoParams" in p:
        _video(_obj(p["VideoParams"], "VideoParams"), transcoding)
    if transcoding == 0 and "SingleSubscribeParams" not in p:
        raise ApiError("MissingParameter", "SingleSubscribeParams is required without transcoding.")
    urls = _targets(p)
    if not urls and not p.get("FeedBackRoomParams"):
        raise ApiError("MissingParameter", "Give PublishCdnParams or FeedBackRoomParams.")
    _app(world, p["SdkAppId"], "InvalidParameter.SdkAppId", "AuthFailure.UnauthorizedOperation")
    desk = desk_of(world)
    if len(desk.live_relays(p["SdkAppId"])) >= MAX_TASKS_PER_APP:
        raise ApiError("FailedOperation.RestrictedConcurrency", "Too many relay tasks running.")
    now = world.now()
    task = RelayTask(
        task_id=desk.new_task_id(),
        sdkappid=p["SdkAppId"],
        room=room,
        numeric=numeric,
        robot=robot,
        transcoding=transcoding,
        urls=urls,
        started=now,
        running_at=now + CONNECT_S,
    )
    desk.add_relay(task)
    world_log(world, "StartPublishCdnStream", task)
    return {"TaskId": task.task_id}


def _relay(world: World, sdkappid: int, task_id: str) -> RelayTask:
    task = desk_of(world).relays.get(task_id)
    if task is None or task.sdkappid != sdkappid or not task.live:
        raise ApiError("ResourceNotFound", f"Task {task_id[:12]}… does not exist or has ended.")
    return task


def update_publish_cdn_stream(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    _app(world, p["SdkAppId"], "InvalidParameter", "AuthFailure.UnauthorizedOperation")
    task = _relay(world, p["SdkAppId"], p["TaskId"])
    if _int_in(p["WithTranscoding"], "WithTranscoding", 0, 1) != task.transcoding:
        raise ApiError("InvalidParameter", "WithTranscoding cannot change for a running task.")
    if p["SequenceNumber"] <= task.sequence:  # stale (code: mainland spelling, UNCONFIRMED)
        raise ApiError(
            "FailedOperation.RequestOutdated",
            f"SequenceNumber {p['SequenceNumber']} is not above {task.sequence}.",
        )
    if "AudioParams" in p:
        audio = _obj(p["AudioParams"], "AudioParams")
        if "AudioEncode" in audio:
            raise ApiError("InvalidParameter", "Audio encoding cannot change after start.")
    if "VideoParams" in p:
        _video(_obj(p["VideoParams"], "VideoParams"), task.transcoding)
    if "SingleSubscribeParams" in p and task.transcoding:
        raise ApiError("InvalidParameter", "SingleSubscribeParams only without transcoding.")
    task.sequence = p["SequenceNumber"]
    if "PublishCdnParams" in p:
        desk_of(world).retarget(task, _targets(p))
    return {"TaskId": task.task_id}


def stop_publish_cdn_stream(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    _app(world, p["SdkAppId"], "InvalidParameter", "AuthFailure.UnauthorizedOperation")
    task = _relay(world, p["SdkAppId"], p["TaskId"])
    if task.stop_error is not None:
        raise ApiError(task.stop_error, "The relay task could not be stopped.")
    desk_of(world).stop_relay(task)
    world_log(world, "StopPublishCdnStream", task)
    return {"TaskId": task.task_id}


def start_stream_ingest(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    room_type = _int_in(p["RoomIdType"], "RoomIdType", 0, 1, "InvalidParameter.BodyParamsError")
    numeric = room_type == 1
    room, _ = _room(
        p["RoomId"], numeric, "InvalidParameter.RoomId" if numeric else "InvalidParameter.StrRoomId"
    )
    check_user_id(p["UserId"], "InvalidParameter.BodyParamsError")
    url = p.get("StreamUrl") or next(iter(p.get("SourceUrl") or []), None)
    parts = urlsplit(url or "")
    if not url or parts.scheme.lower() not in INGEST_SCHEMES or not parts.hostname:
        raise ApiError("InvalidParameter.StreamUrl", "StreamUrl must be an rtmp/http(s)/srt URL.")
    repeat = _int_in(p.get("RepeatNum", 1), "RepeatNum", -1, 1000, "InvalidParameter.OutOfRange")
    if repeat == 0:
        raise ApiError("InvalidParameter.OutOfRange", "RepeatNum 0 is invalid.")
    if "MaxDuration" in p:
        _int_in(p["MaxDuration"], "MaxDuration", 1, 10080, "InvalidParameter.OutOfRange")
    _int_in(p.get("Volume", 100), "Volume", 0, 200, "InvalidParameter.OutOfRange")
    _app(world, p["SdkAppId"], "InvalidParameter.SdkAppId", "InvalidParameter.SdkAppId")
    desk = desk_of(world)
    try:
        ticket = verify(p["UserSig"], p["SdkAppId"], desk.sdk_secret, now=world.now())
    except BadSig as bad:
        raise ApiError("InvalidParameter.UserSig", f"UserSig is not valid: {bad}.") from None
    if ticket.user_id != p["UserId"]:
        raise ApiError("InvalidParameter.UserSig", "UserSig was signed for another UserId.")
    running = desk.running_ingests(p["SdkAppId"])
    if any(t.room == room and t.numeric == numeric and t.user_id == p["UserId"] for t in running):
        raise ApiError("FailedOperation.TaskExist", "That user already ingests into this room.")
    if len(running) >= MAX_TASKS_PER_APP:
        raise ApiError("FailedOperation.RestrictedConcurrency", "Too many ingest tasks running.")
    ends = world.now() + 60 * p["MaxDuration"] if repeat == -1 and "MaxDuration" in p else None
    task = IngestTask(
        desk.new_task_id(), p["SdkAppId"], room, numeric, p["UserId"], url, world.now(), ends
    )
    desk.add_ingest(task)
    return {"TaskId": task.task_id}


def stop_stream_ingest(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    _app(world, p["SdkAppId"], "InvalidParameter.SdkAppId", "InvalidParameter.SdkAppId")
    desk = desk_of(world)
    task = desk.ingests.get(p["TaskId"])
    if task is None or task.sdkappid != p["SdkAppId"]:
        raise ApiError("InvalidParameter.TaskId", "No such ingest task.")
    if not task.running(world.now()):
        raise ApiError("FailedOperation.TaskFinished", "The ingest task has already ended.")
    desk.stop_ingest(task)
    return {}


def describe_stream_ingest(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    if not p["TaskId"].strip():
        raise ApiError("InvalidParameter.TaskId", "TaskId is empty.")
    task = desk_of(world).ingests.get(p["TaskId"])
    running = task is not None and task.sdkappid == p["SdkAppId"] and task.running(world.now())
    return {"Status": "InProgress" if running else "NotExist"}


def world_log(world: World, action: str, task: RelayTask) -> None:
    world.log.append(Change(world.now(), action, task.sdkappid, task.room, task.robot))
