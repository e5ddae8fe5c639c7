"""The TRTC client's errors, one small tree::

    TrtcError
    ├── TrtcTransportError     no usable answer: connection, timeout, HTTP status, bad JSON
    ├── TrtcApiError           TRTC answered with Response.Error (Code, Message, RequestId)
    ├── TrtcLimitError         refused before sending: a documented limit would be broken
    └── TrtcOutcomeUnknown     a write whose answer was lost: TRTC may have applied it

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
    """The request did not produce a TRTC answer (network, timeout, non-200, not JSON).

    ``sent`` is False only when the connection was never made: then TRTC cannot have
    acted, and even a write may be sent again."""

    def __init__(
        self, message: str, *, action: str, status: int | None = None, sent: bool = True
    ) -> None:
        super().__init__(message, action=action)
        self.status = status
        self.sent = sent

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


class TrtcOutcomeUnknown(TrtcError):
    """A write was sent and its answer lost (a timeout, a dropped connection, an
    ``InternalError`` that may come after the change): TRTC may or may not have applied
    it, so it is never re-sent blindly. Whoever asked checks what happened."""

    def __init__(self, cause: TrtcError, *, request_ids: tuple[str, ...] = ()) -> None:
        super().__init__(f"{cause} — TRTC may have applied it", action=cause.action)
        self.cause = cause
        self.code = cause.code
        self.request_ids = request_ids
