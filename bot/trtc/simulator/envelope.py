"""The TRTC API 3.0 envelope: what every answer that reached the service looks like.

Success is ``{"Response": {..., "RequestId": uuid}}``; failure is
``{"Response": {"Error": {"Code", "Message"}, "RequestId": uuid}}``. Both go out
with HTTP 200 and a Content-Type of exactly ``application/json``: the official
sync SDK only looks for ``Response.Error`` when the header is that string (a
``; charset=utf-8`` suffix would make it take an error for a success).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

CONTENT_TYPE = "application/json"


class ApiError(Exception):
    """An error answered in the envelope; ``code`` is what clients match on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def new_request_id() -> str:
    return str(uuid.uuid4())


def success_body(payload: Mapping[str, Any], request_id: str) -> dict[str, Any]:
    return {"Response": {**payload, "RequestId": request_id}}


def error_body(code: str, message: str, request_id: str) -> dict[str, Any]:
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}


@dataclass(frozen=True, slots=True)
class Encoded:
    """JSON a handler wrote itself (bulk samples, as UTF-8), put into the answer as is."""

    data: bytes


def _encode(body: Mapping[str, Any]) -> bytes:
    spliced: list[bytes] = []

    def mark(value: object) -> str:
        if not isinstance(value, Encoded):
            raise TypeError(f"{type(value).__name__} is not JSON serializable")
        spliced.append(value.data)
        return f"\0encoded{len(spliced) - 1}\0"

    text = json.dumps(body, ensure_ascii=False, default=mark).encode("utf-8")
    for index, fragment in enumerate(spliced):
        before, _, after = text.partition(f'"\\u0000encoded{index}\\u0000"'.encode())
        text = b"".join((before, fragment, after))
    return text


def json_response(body: Mapping[str, Any]) -> web.Response:
    # body= (bytes) rather than json= or text=, so aiohttp appends no charset.
    return web.Response(body=_encode(body), status=200, headers={"Content-Type": CONTENT_TYPE})
