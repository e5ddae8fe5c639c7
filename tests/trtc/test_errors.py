"""Every TRTC error names its own code and says whether retrying may help."""

from __future__ import annotations

from bot.trtc.errors import TrtcApiError, TrtcError, TrtcLimitError, TrtcTransportError


def test_api_error_code_is_trtcs_and_rate_limits_are_retryable() -> None:
    """An API error's code is TRTC's; a rate limit or internal error may be retried."""
    refused = TrtcApiError(
        action="RemoveUser", code="InvalidParameter", message="m", request_id="r"
    )
    limited = TrtcApiError(
        action="RemoveUser", code="RequestLimitExceeded", message="m", request_id=None
    )
    assert (refused.code, refused.retryable) == ("InvalidParameter", False)
    assert (limited.code, limited.retryable) == ("RequestLimitExceeded", True)


def test_other_errors_are_named_by_class_as_the_audit_stores_them() -> None:
    """Transport and limit errors carry their class name as the code (kept in the audit)."""
    timeout = TrtcTransportError("timed out", action="RemoveUser")
    proxy = TrtcTransportError("403", action="RemoveUser", status=403)
    limit = TrtcLimitError("too many", action="DescribeUserInfo")
    assert (timeout.code, timeout.retryable) == ("TrtcTransportError", True)
    assert (proxy.code, proxy.retryable) == ("TrtcTransportError", False)
    assert (limit.code, limit.retryable) == ("TrtcLimitError", False)
    assert all(isinstance(e, TrtcError) for e in (timeout, proxy, limit))
