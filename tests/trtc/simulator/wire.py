"""A raw TC3 caller for the simulator tests: every header and byte under the test's control."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.trtc.signing import sign_request
from bot.trtc.simulator import RunningSimulator
from tests.support.credentials import SECRET_ID, SECRET_KEY

VERSION = "2019-07-22"


@dataclass
class Answer:
    status: int
    content_type: str
    text: str

    @property
    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.text)
        return data

    @property
    def response(self) -> dict[str, Any]:
        inner: dict[str, Any] = self.body["Response"]
        return inner

    @property
    def code(self) -> str | None:
        error = self.response.get("Error")
        return None if error is None else str(error["Code"])

    @property
    def message(self) -> str:
        return str(self.response["Error"]["Message"])


class Wire:
    def __init__(self, session: aiohttp.ClientSession, running: RunningSimulator) -> None:
        self.session = session
        self.running = running
        self.host = f"127.0.0.1:{running.port}"

    def now(self) -> int:
        return int(self.running.simulator.config.clock())

    def sign(
        self,
        action: str,
        payload: bytes,
        *,
        timestamp: int | None = None,
        secret_id: str = SECRET_ID,
        secret_key: str = SECRET_KEY,
        region: str | None = "ap-guangzhou",
        version: str = VERSION,
        sign_action: bool = True,
        service: str = "trtc",
        token: str | None = None,
        content_type: str = "application/json",
        language: str | None = None,
    ) -> dict[str, str]:
        return sign_request(
            secret_id=secret_id,
            secret_key=secret_key,
            service=service,
            host=self.host,
            action=action,
            version=version,
            region=region,
            timestamp=self.now() if timestamp is None else timestamp,
            payload=payload,
            content_type=content_type,
            token=token,
            sign_action=sign_action,
            language=language,
        ).headers

    async def call(self, action: str, params: dict[str, Any] | None = None, **sign: Any) -> Answer:
        """A correctly signed POST (options as in ``sign``)."""
        payload = json.dumps(params or {}).encode()
        return await self.send(self.sign(action, payload, **sign), payload)

    async def send(
        self, headers: dict[str, str], body: bytes = b"", *, method: str = "POST", query: str = ""
    ) -> Answer:
        url = self.running.url + "/" + (f"?{query}" if query else "")
        async with self.session.request(
            method, url, data=body, headers=headers, skip_auto_headers={"Content-Type"}
        ) as resp:
            return Answer(resp.status, resp.headers.get("Content-Type", ""), await resp.text())
