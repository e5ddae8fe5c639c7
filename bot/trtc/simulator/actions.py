"""The twenty-six actions the simulator answers, with the regions each site accepts for each.

Regions are what each site's API pages list (trtc-server-api.md §1); a request for
another region gets UnsupportedRegion. An empty set: the site does not offer the action
(SetUserBlocked* on the mainland, §6.5). A simulator not pinned to a site accepts the
union, as either site would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.settings import Site
from bot.trtc.simulator import history, management, recording, relay_actions, usage
from bot.trtc.simulator.world import World

VERSION = "2019-07-22"

Handler = Callable[[World, dict[str, Any], int], dict[str, Any]]

_BJ_GZ = frozenset({"ap-beijing", "ap-guangzhou"})
# Mainland: the RemoveUserByStrRoomId and DismissRoomByStrRoomId pages; the numeric
# variants' pages were not seen and are assumed the same (UNCONFIRMED). An older
# mainland "end a call" page for DismissRoom adds ap-mumbai.
_ROOMS_MAINLAND = _BJ_GZ
_DISMISS_MAINLAND = _BJ_GZ | {"ap-mumbai"}
_ROOMS_INTL = _BJ_GZ | {"ap-singapore"}
_BLOCK_INTL = _BJ_GZ | {"ap-singapore"}
# Mainland DescribeUserEvent's page was not retrieved: assumed as its siblings (UNCONFIRMED).
_HISTORY_MAINLAND = _BJ_GZ
_HISTORY_INTL = _BJ_GZ | {"ap-mumbai", "ap-singapore", "na-toronto"}
_NONE: frozenset[str] = frozenset()
# The usage pages list no regions of their own: assumed as the history APIs (UNCONFIRMED).
_USAGE_MAINLAND = _HISTORY_MAINLAND
_USAGE_INTL = _HISTORY_INTL
# Recording (trtc-server-api-2.md §1): mainland Modify/Delete pages not retrieved, taken
# as Create's (UNCONFIRMED); intl Describe/Modify/Delete add ap-mumbai.
_REC_MAINLAND = _BJ_GZ | {"ap-shanghai"}
_REC_CREATE_INTL = _REC_MAINLAND | {"ap-singapore"}
_REC_INTL = _REC_CREATE_INTL | {"ap-mumbai"}
# Relay to CDN (trtc-server-api-2.md §1). Mainland Stop: as Start (checked: cloud.tencent.com
# 647/81478); mainland Update: UNCONFIRMED, as Start.
_RELAY_MAINLAND = _BJ_GZ | {"ap-hongkong", "ap-shanghai"}
_RELAY_INTL = frozenset({"ap-guangzhou", "ap-hongkong", "ap-singapore"})
# Stream ingest. Mainland Stop/Describe: UNCONFIRMED, as Start. International Stop and
# Describe list four regions only (tencentcloud.com 647/57834 of 2025-11-13, 647/57836),
# fewer than Start: a bot on ap-guangzhou can start an ingest there but not stop it.
_INGEST_MAINLAND = _BJ_GZ | {"ap-chongqing", "ap-shanghai", "ap-singapore"}
_INGEST_LATER_INTL = frozenset({"ap-bangkok", "ap-jakarta", "ap-mumbai", "ap-singapore"})
_INGEST_INTL = _INGEST_LATER_INTL | {"ap-guangzhou", "ap-tokyo"}


@dataclass(frozen=True)
class Action:
    name: str
    handler: Handler
    mainland: frozenset[str]
    intl: frozenset[str]

    def regions(self, site: Site | None) -> frozenset[str]:
        """The regions ``site`` accepts; empty when it does not offer the action."""
        if site is Site.MAINLAND:
            return self.mainland
        if site is Site.INTL:
            return self.intl
        return self.mainland | self.intl


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("RemoveUser", management.remove_user, _ROOMS_MAINLAND, _ROOMS_INTL),
        Action(
            "RemoveUserByStrRoomId",
            management.remove_user_by_str_room_id,
            _ROOMS_MAINLAND,
            _ROOMS_INTL,
        ),
        Action("DismissRoom", management.dismiss_room, _DISMISS_MAINLAND, _ROOMS_INTL),
        Action(
            "DismissRoomByStrRoomId",
            management.dismiss_room_by_str_room_id,
            _ROOMS_MAINLAND,
            _ROOMS_INTL,
        ),
        Action("SetUserBlocked", management.set_user_blocked, _NONE, _BLOCK_INTL),
        Action(
            "SetUserBlockedByStrRoomId",
            management.set_user_blocked_by_str_room_id,
            _NONE,
            _BLOCK_INTL,
        ),
        Action("DescribeRoomInfo", history.describe_room_info, _HISTORY_MAINLAND, _HISTORY_INTL),
        Action("DescribeUserInfo", history.describe_user_info, _HISTORY_MAINLAND, _HISTORY_INTL),
        Action(
            "DescribeCallDetailInfo",
            history.describe_call_detail_info,
            _HISTORY_MAINLAND,
            _HISTORY_INTL,
        ),
        Action("DescribeUserEvent", history.describe_user_event, _HISTORY_MAINLAND, _HISTORY_INTL),
        Action("DescribeScaleInfo", history.describe_scale_info, _HISTORY_MAINLAND, _HISTORY_INTL),
        Action("DescribeTrtcUsage", usage.describe_trtc_usage, _USAGE_MAINLAND, _USAGE_INTL),
        Action(
            "DescribeRecordingUsage", usage.describe_recording_usage, _USAGE_MAINLAND, _USAGE_INTL
        ),
        Action(
            "DescribeMixTranscodingUsage",
            usage.describe_mix_transcoding_usage,
            _USAGE_MAINLAND,
            _USAGE_INTL,
        ),
        Action("DescribeRelayUsage", usage.describe_relay_usage, _USAGE_MAINLAND, _USAGE_INTL),
        Action(
            "DescribeTrtcRoomUsage", usage.describe_trtc_room_usage, _USAGE_MAINLAND, _USAGE_INTL
        ),
        Action(
            "CreateCloudRecording",
            recording.create_cloud_recording,
            _REC_MAINLAND,
            _REC_CREATE_INTL,
        ),
        Action(
            "DescribeCloudRecording", recording.describe_cloud_recording, _REC_MAINLAND, _REC_INTL
        ),
        Action("ModifyCloudRecording", recording.modify_cloud_recording, _REC_MAINLAND, _REC_INTL),
        Action("DeleteCloudRecording", recording.delete_cloud_recording, _REC_MAINLAND, _REC_INTL),
        *(
            Action(name, handler, _RELAY_MAINLAND, _RELAY_INTL)
            for name, handler in (
                ("StartPublishCdnStream", relay_actions.start_publish_cdn_stream),
                ("UpdatePublishCdnStream", relay_actions.update_publish_cdn_stream),
                ("StopPublishCdnStream", relay_actions.stop_publish_cdn_stream),
            )
        ),
        Action(
            "StartStreamIngest", relay_actions.start_stream_ingest, _INGEST_MAINLAND, _INGEST_INTL
        ),
        *(
            Action(name, handler, _INGEST_MAINLAND, _INGEST_LATER_INTL)
            for name, handler in (
                ("StopStreamIngest", relay_actions.stop_stream_ingest),
                ("DescribeStreamIngest", relay_actions.describe_stream_ingest),
            )
        ),
    )
}
