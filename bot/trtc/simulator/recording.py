"""The four on-cloud recording actions: validation with the documented codes, then the recorder.

Codes are the per-action lists of trtc-server-api-2.md §4.1–4.4. Where the docs name
no code the choice is ours and marked: a wrong or expired UserSig is answered
``InvalidParameter.UserSig`` (§3 lists it; the Create page does not), a bad value
``InvalidParameter.OutOfRange``, an ended or unknown task ``ResourceNotFound`` (§10 #2).
Both storages at once is accepted and then fails to start (301 Status 1), as §4.1 says.
"""

from __future__ import annotations

from typing import Any, cast

from bot.trtc.simulator.callbacks import Announcer
from bot.trtc.simulator.config import SimulatorConfig
from bot.trtc.simulator.envelope import ApiError
from bot.trtc.simulator.management import check_app
from bot.trtc.simulator.params import MAX_ROOM_ID, check_string_room
from bot.trtc.simulator.recorder import NORMAL, Faults, Recorder, Task, new_task_id
from bot.trtc.simulator.world import World
from bot.trtc.usersig import BadSig, verify

KEY = "recording"
MAX_LIST = 32
COS_FIELDS = ("Vendor", "Region", "Bucket", "AccessKey", "SecretKey")


def install_recorder(
    world: World, announcer: Announcer | None, config: SimulatorConfig
) -> Recorder:
    """The simulator's recorder: it verifies robots' UserSig with the SDK secret, sends
    its callbacks through the announcer's sender and moves on with each scan."""
    faults = config.scenario.recording if config.scenario else None
    recorder = Recorder(
        world,
        announcer.sender.emit if announcer else None,
        Faults(faults.upload_fails, faults.never_starts) if faults else Faults(),
        limit=config.recording_limit,
        secret=config.sdk_secret,
    )
    world.extensions[KEY] = recorder
    if announcer is not None:
        announcer.hooks.append(recorder.scan)
    return recorder


def recorder_of(world: World) -> Recorder:
    return cast(Recorder, world.extensions[KEY])


def _range(value: Any, name: str, lo: int, hi: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ApiError("InvalidParameter.OutOfRange", f"{name} must be within [{lo}, {hi}].")


def _object(parent: dict[str, Any], name: str, missing: str | None = None) -> dict[str, Any]:
    value = parent.get(name)
    if value is None:
        if missing:
            raise ApiError(missing, f"The request is missing a required parameter `{name}`.")
        return {}
    if not isinstance(value, dict):
        raise ApiError("InvalidParameter", f"`{name}` must be an object.")
    return value


def check_subscription(lists: dict[str, Any]) -> None:
    for name, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
            raise ApiError("InvalidParameter", f"SubscribeStreamUserIds.{name} must list strings.")
        if len(value) > MAX_LIST:
            raise ApiError(
                "InvalidParameter.OutOfRange",
                f"{name} has {len(value)} entries; at most {MAX_LIST}.",
            )
    for media in ("Audio", "Video"):
        if lists.get(f"Subscribe{media}UserIds") and lists.get(f"UnSubscribe{media}UserIds"):
            raise ApiError(
                "InvalidParameter.OutOfRange",
                f"Subscribe{media}UserIds and UnSubscribe{media}UserIds must not both be set.",
            )


def _storage(p: dict[str, Any]) -> tuple[bool, bool]:
    """(stored on VOD, broken: both storages given)."""
    storage = _object(p, "StorageParams", "MissingParameter.StorageParams")
    cos = _object(storage, "CloudStorage")
    vod = _object(storage, "CloudVod")
    if not cos and not vod:
        raise ApiError(
            "MissingParameter.CloudStorage", "StorageParams needs CloudStorage or CloudVod."
        )
    if cos:
        for name in COS_FIELDS:
            if cos.get(name) in (None, ""):
                raise ApiError(f"MissingParameter.{name}", f"CloudStorage.{name} is missing.")
        _range(cos["Vendor"], "CloudStorage.Vendor", 0, 1)
    return bool(vod) and not cos, bool(cos) and bool(vod)


def _room(p: dict[str, Any]) -> int | str:
    kind = p.get("RoomIdType", 1)
    _range(kind, "RoomIdType", 0, 1)
    room = p["RoomId"]
    if kind == 0:
        check_string_room(room, "InvalidParameter.OutOfRange")
        return str(room)
    if not room.isdigit() or not 1 <= int(room) <= MAX_ROOM_ID:
        raise ApiError("InvalidParameter.OutOfRange", f"RoomId {room!r} is not a numeric room id.")
    return int(room)


def create_cloud_recording(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    recorder = recorder_of(world)
    check_app(world, p["SdkAppId"], "InvalidParameter.SdkAppId")
    room = _room(p)
    record = _object(p, "RecordParams", "MissingParameter.RecordParams")
    if record.get("RecordMode") is None:
        raise ApiError("MissingParameter.RecordMode", "RecordParams.RecordMode is missing.")
    _range(record["RecordMode"], "RecordParams.RecordMode", 1, 2)
    _range(record.get("MaxIdleTime", 30), "RecordParams.MaxIdleTime", 5, 86400)
    _range(record.get("StreamType", 0), "RecordParams.StreamType", 0, 2)
    subscription = _object(record, "SubscribeStreamUserIds")
    check_subscription(subscription)
    vod, broken = _storage(p)
    _range(p.get("ResourceExpiredHour", 72), "ResourceExpiredHour", 6, 720)
    try:
        ticket = verify(p["UserSig"], p["SdkAppId"], recorder.secret, now=world.now())
    except BadSig as exc:
        raise ApiError("InvalidParameter.UserSig", f"UserSig is not valid: {exc}.") from None
    if ticket.user_id != p["UserId"]:
        raise ApiError("InvalidParameter.UserSig", "UserSig was signed for another UserId.")
    if len(recorder.live()) >= recorder.limit:
        raise ApiError(
            "FailedOperation.RestrictedConcurrency",
            f"The account already runs {recorder.limit} recording tasks.",
        )
    users = tuple(subscription.get("SubscribeAudioUserIds") or ())
    task = Task(
        task_id=new_task_id(),
        sdkappid=p["SdkAppId"],
        room=room,
        robot=p["UserId"],
        mode=record["RecordMode"],
        vod=vod,
        users=users,
        max_idle_s=record.get("MaxIdleTime", 30),
        created=world.now(),
        broken=broken,
    )
    recorder.add(task)
    return {"TaskId": task.task_id}


def _task(world: World, p: dict[str, Any]) -> Task:
    check_app(world, p["SdkAppId"], "InvalidParameter.SdkAppId")
    task = recorder_of(world).find(p["TaskId"])
    if task is None or task.sdkappid != p["SdkAppId"]:
        raise ApiError("ResourceNotFound", f"Task {p['TaskId']!r} does not exist or has ended.")
    return task


def describe_cloud_recording(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    task = _task(world, p)
    files = (
        []
        if task.vod
        else [
            {
                "UserId": f.user_id,
                "FileName": f.name,
                "TrackType": f.track,
                "BeginTimeStamp": f.begin_ms,
            }
            for f in task.files
        ]
    )
    return {"TaskId": task.task_id, "Status": task.status(), "StorageFileList": files}


def modify_cloud_recording(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    task = _task(world, p)
    if task.ended is not None:
        raise ApiError("ResourceNotFound", f"Task {task.task_id!r} has ended.")
    subscription = p.get("SubscribeStreamUserIds")
    if subscription is not None:
        check_subscription(subscription)
        task.users = tuple(subscription.get("SubscribeAudioUserIds") or ())
    return {"TaskId": task.task_id}


def delete_cloud_recording(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    task = _task(world, p)
    if task.ended is not None:
        raise ApiError("ResourceNotFound", f"Task {task.task_id!r} has ended.")
    recorder_of(world).end(task, NORMAL)
    return {"TaskId": task.task_id}
