"""The actions a policy can usefully name: trtc-chatops's own (``chatops:``) and the
TRTC APIs (``trtc:``; the ones this bot asks for and the rest of TRTC's API list in
/work/shared/reference). A pattern in these services that matches none of them is
almost always a typo (``trtc:RemoveUsr``, ``trtc:Describ*``): ``policy check`` and
every load warn about it, as they do for an unknown condition key."""

from __future__ import annotations

import difflib
import re

from bot.authz.request import CHATOPS_ACTIONS

CHATOPS = CHATOPS_ACTIONS

_TRTC_APIS = """
DescribeAbnormalEvent DescribeCallDetail DescribeCallDetailInfo DescribeCloudRecording
DescribeDetailEvent DescribeHistoryScale DescribeMixTranscodingUsage DescribeRealtimeNetwork
DescribeRealtimeQuality DescribeRealtimeScale DescribeRecordStatistic DescribeRecordingUsage
DescribeRelayUsage DescribeRoomInfo DescribeRoomInformation DescribeScaleInfo
DescribeStreamIngest DescribeTRTCMarketQualityData DescribeTRTCMarketQualityMetricData
DescribeTRTCMarketScaleData DescribeTRTCMarketScaleMetricData DescribeTRTCRealTimeQualityData
DescribeTRTCRealTimeQualityMetricData DescribeTRTCRealTimeScaleData
DescribeTRTCRealTimeScaleMetricData DescribeTrtcMcuTranscodeTime DescribeTrtcRoomUsage
DescribeTrtcUsage DescribeUnusualEvent DescribeUserEvent DescribeUserInfo
DescribeUserInformation DescribeWebRecord DescribePicture DescribeAIConversation
DescribeAITranscription DescribeSdkAppInfo DescribeTrtcAppAndAccountInfo
DescribeTrtcInteractiveTime
RemoveUser RemoveUserByStrRoomId DismissRoom DismissRoomByStrRoomId
SetUserBlocked SetUserBlockedByStrRoomId
StartMCUMixTranscode StartMCUMixTranscodeByStrRoomId StopMCUMixTranscode
StopMCUMixTranscodeByStrRoomId StartPublishCdnStream StopPublishCdnStream
UpdatePublishCdnStream StartStreamIngest StopStreamIngest UpdateStreamIngest
StartWebRecord StopWebRecord CreateCloudRecording DeleteCloudRecording ModifyCloudRecording
CreatePicture DeletePicture ModifyPicture StartAIConversation StopAIConversation
UpdateAIConversation ControlAIConversation StartAITranscription StopAITranscription
ModifyAppInfo CreateTrtcApp
GetCommState GetUserList GetUserInfo GetElasticSearchData
"""

KNOWN = (*CHATOPS, *(f"trtc:{name}" for name in _TRTC_APIS.split()))
_KEYS = tuple(a.lower() for a in KNOWN)
_BY_KEY = dict(zip(_KEYS, KNOWN, strict=True))
SERVICES = ("trtc", "chatops")  # other services (a pasted CAM policy's cos:…) are not ours


def unknown_action(key: str, pattern: re.Pattern[str] | None = None) -> str | None:
    """Why ``key`` (a normalised action or glob of trtc/chatops) matches no known action,
    with the likeliest meant one; None when it matches one (or is another service's)."""
    service = key.split(":", 1)[0]
    if service not in SERVICES:
        return None
    if pattern is None and key in _BY_KEY:
        return None
    if pattern is not None and any(pattern.fullmatch(k) for k in _KEYS):
        return None
    close = difflib.get_close_matches(key.replace("*", "").replace("?", ""), _KEYS, n=1)
    hint = f" (did you mean {_BY_KEY[close[0]]}?)" if close else ""
    what = "pattern" if pattern is not None else "action"
    return f"{what} {key!r} matches no known {service}: action{hint}"
