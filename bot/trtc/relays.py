"""Relay to CDN and stream ingest: the six TRTC actions behind `offair`, `relay`, `ingest`.

Free functions over a ``TrtcClient`` (its transport signs, paces and retries) so
this family stays in one module. Two traps the reference (§2) warns about are
handled here and nowhere else: RoomIdType means *opposite* things in the two
families (relay: 0 = numeric; ingest: 0 = string), and a URL handed to TRTC may
come back inside an error message, so every error leaving this module has its
URLs masked.
"""

from __future__ import annotations

from typing import Any

from bot.trtc.client import TrtcClient
from bot.trtc.errors import TrtcApiError, TrtcError, TrtcOutcomeUnknown
from bot.trtc.masking import mask_text
from bot.trtc.models import RoomId

# StartPublishCdnStream, MixUserInfo: 0 = numeric room, 1 = string room.
RELAY_NUMERIC, RELAY_STRING = 0, 1
# StartStreamIngest: 0 = string room, 1 = numeric room.
INGEST_STRING, INGEST_NUMERIC = 0, 1
IN_PROGRESS, NOT_EXIST = "InProgress", "NotExist"


def relay_room_type(room: RoomId) -> int:
    return RELAY_NUMERIC if isinstance(room, int) else RELAY_STRING


def ingest_room_type(room: RoomId) -> int:
    return INGEST_NUMERIC if isinstance(room, int) else INGEST_STRING


def masked(exc: TrtcError) -> TrtcError:
    """The same error with any URL in TRTC's message masked (a key must not reach a reply)."""
    if isinstance(exc, TrtcOutcomeUnknown):
        return TrtcOutcomeUnknown(masked(exc.cause), request_ids=exc.request_ids)
    if isinstance(exc, TrtcApiError):
        return TrtcApiError(
            action=exc.action,
            code=exc.code,
            message=mask_text(exc.message),
            request_id=exc.request_id,
        )
    return exc


async def _call(client: TrtcClient, action: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        return await client.call(action, params)
    except TrtcError as exc:
        raise masked(exc) from None


async def start_publish_cdn(
    client: TrtcClient,
    sdkappid: int,
    room: RoomId,
    *,
    template: dict[str, Any],
    url: str,
    robot: str,
    robot_sig: str | None = None,
    forward_user: str | None = None,
) -> str:
    """Start relaying ``room`` to the RTMP ``url``; the TaskId. ``template`` is the
    configured StartPublishCdnStream parameters (bot.relay_templates)."""
    room_type = relay_room_type(room)
    params: dict[str, Any] = {**template, "SdkAppId": sdkappid, "RoomId": str(room)}
    params["RoomIdType"] = room_type
    params["AgentParams"] = {**template.get("AgentParams", {}), "UserId": robot}
    if robot_sig is not None:
        params["AgentParams"]["UserSig"] = robot_sig
    target = dict((template.get("PublishCdnParams") or [{"IsTencentCdn": 0}])[0])
    params["PublishCdnParams"] = [{**target, "PublishCdnUrl": url}]
    if template.get("WithTranscoding") == 0 and forward_user is not None:
        info = {"UserId": forward_user, "RoomId": str(room), "RoomIdType": room_type}
        params["SingleSubscribeParams"] = {"UserMediaStream": {"UserInfo": info, "StreamType": 0}}
    answer = await _call(client, "StartPublishCdnStream", params)
    return str(answer.get("TaskId", ""))


async def update_publish_cdn(
    client: TrtcClient,
    sdkappid: int,
    task_id: str,
    *,
    sequence: int,
    with_transcoding: int,
    changes: dict[str, Any],
) -> str:
    """Change a running relay (incremental: what ``changes`` leaves out stays)."""
    params = {
        **changes,
        "SdkAppId": sdkappid,
        "TaskId": task_id,
        "SequenceNumber": sequence,
        "WithTranscoding": with_transcoding,
    }
    answer = await _call(client, "UpdatePublishCdnStream", params)
    return str(answer.get("RequestId", ""))


async def stop_publish_cdn(client: TrtcClient, sdkappid: int, task_id: str) -> str:
    """Stop a relay (every CDN target of it); the RequestId. The room is untouched."""
    answer = await _call(client, "StopPublishCdnStream", {"SdkAppId": sdkappid, "TaskId": task_id})
    return str(answer.get("RequestId", ""))


async def start_stream_ingest(
    client: TrtcClient,
    sdkappid: int,
    room: RoomId,
    *,
    user_id: str,
    user_sig: str,
    url: str,
) -> str:
    """Pull ``url`` into ``room`` as ``user_id``; the TaskId."""
    params = {
        "SdkAppId": sdkappid,
        "RoomId": str(room),
        "RoomIdType": ingest_room_type(room),
        "UserId": user_id,
        "UserSig": user_sig,
        "StreamUrl": url,
    }
    answer = await _call(client, "StartStreamIngest", params)
    return str(answer.get("TaskId", ""))


async def stop_stream_ingest(client: TrtcClient, sdkappid: int, task_id: str) -> str:
    answer = await _call(client, "StopStreamIngest", {"SdkAppId": sdkappid, "TaskId": task_id})
    return str(answer.get("RequestId", ""))


async def describe_stream_ingest(client: TrtcClient, sdkappid: int, task_id: str) -> str:
    """``InProgress`` or ``NotExist`` (an ended task is a status, not an error)."""
    params = {"SdkAppId": sdkappid, "TaskId": task_id}
    answer = await _call(client, "DescribeStreamIngest", params)
    return str(answer.get("Status", ""))
