"""The six room-management actions: kick users, dismiss a room, block a user's media.

Each handler takes the world and the shape-checked parameters and returns the
output fields (none besides RequestId for these), or raises the ApiError the
reference lists for that action.
"""

from __future__ import annotations

from typing import Any

from bot.trtc.simulator.call import Call
from bot.trtc.simulator.envelope import ApiError
from bot.trtc.simulator.params import (
    check_numeric_room,
    check_string_room,
    check_user_id,
)
from bot.trtc.simulator.world import RoomRef, World

MAX_REMOVE = 10


def check_app(
    world: World, sdkappid: int, unknown_code: str, *, foreign_code: str | None = None
) -> None:
    """Room management documents UnauthorizedOperation.SdkAppId for another account's
    application; the history APIs do not, so they pass ``foreign_code`` (their documented
    InvalidParameter.SdkAppId)."""
    if sdkappid in world.foreign_apps:
        raise ApiError(
            foreign_code or "UnauthorizedOperation.SdkAppId",
            f"SdkAppId {sdkappid} does not belong to this account.",
        )
    if not world.has_app(sdkappid):
        raise ApiError(unknown_code, f"SdkAppId {sdkappid} does not exist.")


def _live(world: World, sdkappid: int, room: RoomRef) -> Call:
    call = world.room(sdkappid, room)
    if call is None:
        kind = "numeric" if isinstance(room, int) else "string"
        raise ApiError(
            "FailedOperation.RoomNotExist",
            f"The {kind} room {room!r} of SdkAppId {sdkappid} does not exist or has ended.",
        )
    return call


def _check_user_ids(user_ids: list[str]) -> None:
    if not user_ids:
        raise ApiError("MissingParameter.UserIds", "UserIds must list at least one user.")
    if len(user_ids) > MAX_REMOVE:
        raise ApiError(
            "InvalidParameter.UserIds",
            f"UserIds has {len(user_ids)} entries; at most {MAX_REMOVE} users per request.",
        )
    for user_id in user_ids:
        check_user_id(user_id, "InvalidParameter.UserIds")


def _remove(world: World, p: dict[str, Any], room: RoomRef, action: str) -> dict[str, Any]:
    _check_user_ids(p["UserIds"])
    check_app(world, p["SdkAppId"], "InvalidParameter.SdkAppId")
    world.remove_users(_live(world, p["SdkAppId"], room), p["UserIds"], action)
    return {}


def remove_user(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    check_numeric_room(p["RoomId"])
    return _remove(world, p, int(p["RoomId"]), "RemoveUser")


def remove_user_by_str_room_id(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    check_string_room(p["RoomId"])
    return _remove(world, p, str(p["RoomId"]), "RemoveUserByStrRoomId")


def dismiss_room(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    check_numeric_room(p["RoomId"])
    check_app(world, p["SdkAppId"], "InvalidParameter.SdkAppId")
    world.dismiss(_live(world, p["SdkAppId"], int(p["RoomId"])), "DismissRoom")
    return {}


def dismiss_room_by_str_room_id(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    check_string_room(p["RoomId"])
    check_app(world, p["SdkAppId"], "InvalidParameter.SdkAppId")
    world.dismiss(_live(world, p["SdkAppId"], str(p["RoomId"])), "DismissRoomByStrRoomId")
    return {}


def _block(world: World, p: dict[str, Any], room: RoomRef, action: str) -> dict[str, Any]:
    check_user_id(p["UserId"], "InvalidParameter.UserId")
    if p["IsMute"] not in (0, 1, 2, 3):
        raise ApiError(
            "InvalidParameter",
            f"IsMute {p['IsMute']} is not valid: 0 enable, 1 disable audio and video, "
            "2 disable audio, 3 disable video.",
        )
    check_app(world, p["SdkAppId"], "FailedOperation.SdkAppIdNotExist")
    call = _live(world, p["SdkAppId"], room)
    member = call.member(p["UserId"])
    if member is None or not member.present(world.now()):
        raise ApiError(
            "FailedOperation.UserNotExist", f"User {p['UserId']!r} is not in room {room!r}."
        )
    world.block(call, member, p["IsMute"], action)
    return {}


def set_user_blocked(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    check_numeric_room(p["RoomId"])
    return _block(world, p, int(p["RoomId"]), "SetUserBlocked")


def set_user_blocked_by_str_room_id(world: World, p: dict[str, Any], seed: int) -> dict[str, Any]:
    check_string_room(p["StrRoomId"])
    return _block(world, p, str(p["StrRoomId"]), "SetUserBlockedByStrRoomId")
