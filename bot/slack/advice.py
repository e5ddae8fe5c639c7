"""What to tell a person when Slack refuses a post, by Slack's error code.

The code alone (``not_in_channel``) means little to most people; each family
of refusals has one sentence that says what is wrong and what to do about it.
The code is still shown, for whoever has to look further.
"""

from __future__ import annotations

from bot.slack.markup import escape

_BUSY = "Slack is busy or unavailable just now (I already retried); try again in a minute."
_NO_ACCESS = (
    "I cannot see this channel (a private channel or a DM I was not added to); "
    "add me to it, or use a channel I am in."
)
_RESTRICTED = (
    "Posting here is restricted for apps (an announcement-only or read-only channel); "
    "use another channel, or ask a workspace admin."
)
_REAUTH = "Slack no longer accepts my token; tell whoever runs this bot."

ADVICE = {
    "not_in_channel": "I am not in this channel; invite me with `/invite`, then try again.",
    "channel_not_found": _NO_ACCESS,
    "is_archived": "This channel is archived; use another channel.",
    "ratelimited": _BUSY,
    "http_429": _BUSY,
    "http_500": _BUSY,
    "http_502": _BUSY,
    "http_503": _BUSY,
    "http_504": _BUSY,
    "fatal_error": _BUSY,
    "internal_error": _BUSY,
    "service_unavailable": _BUSY,
    "request_timeout": _BUSY,
    "unreachable": _BUSY,
    "restricted_action": _RESTRICTED,
    "restricted_action_read_only_channel": _RESTRICTED,
    "restricted_action_thread_only_channel": _RESTRICTED,
    "restricted_action_non_threadable_channel": _RESTRICTED,
    "ekm_access_denied": _RESTRICTED,
    "team_access_not_granted": _NO_ACCESS,
    "not_authed": _REAUTH,
    "invalid_auth": _REAUTH,
    "token_revoked": _REAUTH,
    "token_expired": _REAUTH,
    "account_inactive": _REAUTH,
    "missing_scope": "I lack a Slack permission (scope) I need; tell whoever runs this bot.",
}
UNKNOWN = "Slack refused the message; tell whoever runs this bot if it happens again."


def advice(error: str | None) -> str:
    """One sentence for ``error``, then the code itself (escaped: it is mrkdwn)."""
    code = error or "unknown"
    return f"{ADVICE.get(code, UNKNOWN)} (Slack said `{escape(code)}`.)"


def is_transient(error: str | None) -> bool:
    """Would the same post likely succeed in a while (Slack busy, not a setup problem)?"""
    return ADVICE.get(error or "") == _BUSY
