"""Where recordings go: TRTC_CHATOPS_RECORDING_STORAGE, the API's own StorageParams as JSON.

Exactly one of ``CloudVod`` (Tencent VOD) or ``CloudStorage`` (COS, or AWS S3 with
``Vendor`` 1) — TRTC lets a task with both fail to start, so the bot refuses the setting
at start-up instead (trtc-server-api-2.md §4.5). Errors are one line and never repeat a
value: the JSON holds the bucket's SecretKey.
"""

from __future__ import annotations

import json
import re
from typing import Any

_COS_REQUIRED = ("Vendor", "Region", "Bucket", "AccessKey", "SecretKey")
_VENDORS = {0: "Tencent COS", 1: "AWS S3"}
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


def parse_storage(text: str) -> dict[str, Any]:
    """The StorageParams object, checked; ValueError saying what is wrong."""
    try:
        data = json.loads(text)
    except ValueError:
        raise ValueError("is not JSON (expected the API's StorageParams object)") from None
    if not isinstance(data, dict):
        raise ValueError('must be a JSON object: {"CloudVod": …} or {"CloudStorage": …}')
    unknown = sorted(set(data) - {"CloudVod", "CloudStorage"})
    if unknown:
        raise ValueError(f"unknown field {unknown[0]}; expected CloudVod or CloudStorage")
    if ("CloudVod" in data) == ("CloudStorage" in data):
        raise ValueError("set exactly one of CloudVod (Tencent VOD) or CloudStorage (COS/S3)")
    if "CloudVod" in data:
        vod = data["CloudVod"]
        if not isinstance(vod, dict) or not isinstance(vod.get("TencentVod", {}), dict):
            raise ValueError('CloudVod must be {"TencentVod": {…}}')
        return {"CloudVod": {"TencentVod": dict(vod.get("TencentVod") or {})}}
    cos = data["CloudStorage"]
    if not isinstance(cos, dict):
        raise ValueError("CloudStorage must be an object")
    for name in _COS_REQUIRED:
        if cos.get(name) in (None, ""):
            raise ValueError(f"CloudStorage.{name} is missing")
    if cos["Vendor"] not in _VENDORS or isinstance(cos["Vendor"], bool):
        raise ValueError("CloudStorage.Vendor must be 0 (Tencent COS) or 1 (AWS S3)")
    for name in _COS_REQUIRED[1:]:
        if not isinstance(cos[name], str):
            raise ValueError(f"CloudStorage.{name} must be a string")
    prefix = cos.get("FileNamePrefix", [])
    if not isinstance(prefix, list) or not all(
        isinstance(p, str) and _SEGMENT.fullmatch(p) for p in prefix
    ):
        raise ValueError("CloudStorage.FileNamePrefix must be a list of [A-Za-z0-9_-] words")
    return {"CloudStorage": dict(cos)}


def describe_storage(params: dict[str, Any]) -> str:
    """Where the files go, for people (no keys)."""
    if "CloudVod" in params:
        vod = params["CloudVod"]["TencentVod"]
        sub = f" (sub-application {vod['SubAppId']})" if vod.get("SubAppId") else ""
        return f"Tencent VOD{sub}"
    cos = params["CloudStorage"]
    prefix = "/".join(cos.get("FileNamePrefix") or [])
    where = f"{cos['Bucket']}/{prefix + '/' if prefix else ''}<TaskId>/"
    return f"{_VENDORS[cos['Vendor']]} bucket {where} in {cos['Region']}"


def storage_kind(params: dict[str, Any]) -> str:
    return "vod" if "CloudVod" in params else "cos"
