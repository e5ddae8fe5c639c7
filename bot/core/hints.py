"""What to do about a TRTC error code: the advice shown under Code/Message/RequestId."""

from __future__ import annotations

from bot.core.markup import code
from bot.editions import EDITION_CODE, EDITIONS, Edition

_NOT_IN_ROOM = f"That user is not in the room now. Check with {code('users <room>')}."
_HINTS: dict[str, str] = {
    "FailedOperation.RoomNotExist": "The room is not live (it ended, or the id is wrong). "
    f"Check it with {code('rooms')}.",
    "FailedOperation.UserNotExist": _NOT_IN_ROOM,
    "InternalError.UserNotExist": _NOT_IN_ROOM,
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


def is_edition_refusal(code: str) -> bool:
    """TRTC refused history because of the account's monitoring package."""
    return code == EDITION_CODE


def edition_refusal(action: str, edition: Edition | None) -> str:
    """What the edition allows, in a sentence a person can act on."""
    days = sorted({e.lookback_days for e in EDITIONS.values() if e.includes_history})
    kept = " or ".join(str(d) for d in days) + " days"
    if edition is None:
        return (
            f"TRTC's monitoring package does not cover this window for {action}: since "
            f"2024-04-01 call history needs a package, which keeps {kept}. Ask for a shorter "
            "window, or check the package in the TRTC console."
        )
    if not edition.includes_history:
        return (
            f"Your TRTC monitoring edition, {edition.label}, does not include call history: "
            f"{action} needs a paid package since 2024-04-01 (they keep {kept})."
        )
    return (
        f"Your TRTC monitoring edition, {edition.label}, keeps {edition.lookback_days} days "
        "of call history: ask for a shorter window."
    )


def lag_note(lag_s: int) -> tuple[str, ...]:
    """The one line a reply built on history adds when TRTC's history is known to lag."""
    if lag_s <= 0:
        return ()
    return (
        f"TRTC's history can lag by up to {lag_s} s: someone who joined or left just now "
        "may not show yet.",
    )


def hint_for(code: str) -> str | None:
    if code in _HINTS:
        return _HINTS[code]
    for prefix, hint in _PREFIX_HINTS.items():
        if code.startswith(prefix):
            return hint
    return None
