"""The TRTC client's errors, one small tree::

    TrtcError
    ├── TrtcTransportError     no usable answer: connection, timeout, HTTP status, bad JSON
    ├── TrtcApiError           TRTC answered with Response.Error (Code, Message, RequestId)
    └── TrtcLimitError         refused before sending: a documented limit would be broken

Handlers catch ``TrtcError`` and show ``str(error)``: it never carries a secret.
Every error knows its ``code`` (TRTC's own for an API error, the class name
otherwise: what the audit stores) and whether it is ``retryable``.
"""

from __future__ import annotations

# Codes that mean "try again later"; everything else is final (AuthFailure,
# InvalidParameter…): retrying it would only repeat the mistake.
RETRYABLE_CODE_PREFIXES = ("RequestLimitExceeded", "InternalError", "ServiceUnavailable")


class TrtcError(Exception):
    """Base of everything the TRTC client raises."""

    def __init__(self, message: str, *, action: str) -> None:
        super().__init__(message)
        self.action = action
        # A stable name for logs and the audit; an API error replaces it with TRTC's code.
        self.code = type(self).__name__

    @property
    def retryable(self) -> bool:
        return False


class TrtcTransportError(TrtcError):
    """The request did not produce a TRTC answer (network, timeout, non-200, not JSON)."""

    def __init__(self, message: str, *, action: str, status: int | None = None) -> None:
        super().__init__(message, action=action)
        self.status = status

    @property
    def retryable(self) -> bool:
        # A 4xx from a proxy will not fix itself; 5xx, timeouts and resets may.
        return self.status is None or self.status >= 500


class TrtcApiError(TrtcError):
    """TRTC refused the call: match on ``code``, show all three fields to people."""

    def __init__(self, *, action: str, code: str, message: str, request_id: str | None) -> None:
        super().__init__(
            f"{action}: {code}: {message} (RequestId {request_id or 'none'})", action=action
        )
        self.code = code
        self.message = message
        self.request_id = request_id

    @property
    def retryable(self) -> bool:
        return self.code.startswith(RETRYABLE_CODE_PREFIXES)


class TrtcLimitError(TrtcError):
    """A documented API limit (range, lookback, batch size) rules the request out."""
