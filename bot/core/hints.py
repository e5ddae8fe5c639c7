"""What to do about a TRTC error code: the advice shown under Code/Message/RequestId."""

from __future__ import annotations

_HINTS: dict[str, str] = {
    "FailedOperation.RoomNotExist": "The room is not live (it ended, or the id is wrong). "
    "Check it with `rooms`.",
    "FailedOperation.UserNotExist": "That user is not in the room now. Check with `users <room>`.",
    "InternalError.UserNotExist": "That user is not in the room now. Check with `users <room>`.",
    "FailedOperation.SdkAppIdNotExist": "No such TRTC application: check the SdkAppId.",
    "InvalidParameter.SdkAppId": "No such TRTC application: check the SdkAppId.",
    "UnauthorizedOperation.SdkAppId": "The bot's Tencent Cloud identity may not operate this "
    "application: grant its CAM user access to the SdkAppId.",
    "AuthFailure.UnauthorizedOperation": "CAM denied the bot's Tencent Cloud identity: attach a "
    "TRTC policy (e.g. QcloudTRTCFullAccess) to the bot's CAM user.",
    "AuthFailure.SecretIdNotFound": "The bot's TENCENTCLOUD_SECRET_ID is unknown or disabled "
    "(or is an international-site key used on the mainland endpoint, or vice versa).",
    "AuthFailure.SignatureFailure": "The bot's TENCENTCLOUD_SECRET_KEY does not match its "
    "secret id.",
    "AuthFailure.SignatureExpire": "The bot's clock is more than 5 minutes off: fix NTP on "
    "its host.",
    "AuthFailure.TokenFailure": "The temporary credential (TENCENTCLOUD_TOKEN) is invalid or "
    "expired.",
    "InvalidParameter.StartTimeOversize": "History this old needs a higher monitoring-dashboard "
    "edition (the call-detail APIs are paid since 2024-04-01): choose a later start.",
    "InvalidParameter.StartTsOversize": "TRTC keeps call history for 14 days: choose a later "
    "start.",
    "InvalidParameter.QueryScaleOversize": "The time range is wider than TRTC allows for this "
    "query: narrow it.",
    "UnsupportedRegion": "This API is not offered in the configured TENCENTCLOUD_REGION "
    "(try ap-guangzhou, ap-beijing or ap-singapore).",
    "InvalidAction": "This TRTC endpoint does not offer the API (SetUserBlocked is documented "
    "on the international site only).",
}

_PREFIX_HINTS = {
    "RequestLimitExceeded": "TRTC is rate-limiting this account: wait a few seconds and retry.",
    "InternalError": "TRTC had an internal error; it was retried. Try again shortly, and quote "
    "the RequestId to Tencent support if it persists.",
}


def hint_for(code: str) -> str | None:
    if code in _HINTS:
        return _HINTS[code]
    for prefix, hint in _PREFIX_HINTS.items():
        if code.startswith(prefix):
            return hint
    return None
