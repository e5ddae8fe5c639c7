"""`trtc-chatops call ACTION 'JSON'`: one signed TRTC API call, JSON out."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bot.app.backend import open_backend
from bot.cli.configured import configured
from bot.trtc.errors import TrtcApiError, TrtcError


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "call",
        help="make one signed TRTC API call and print the JSON response",
        description="Make one signed TRTC API call (to Tencent Cloud when credentials are "
        "configured, otherwise to a throw-away embedded simulator) and print the response.",
        epilog="example: trtc-chatops call DescribeRoomInfo "
        '\'{"SdkAppId": 1400000001, "StartTime": 1700000000, "EndTime": 1700003600}\'',
    )
    parser.add_argument("action", help="API name, e.g. RemoveUser or DescribeRoomInfo")
    parser.add_argument("params", nargs="?", default="{}", help="the parameters as a JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        params = json.loads(args.params)
    except json.JSONDecodeError as exc:
        print(f"call: PARAMS is not valid JSON ({exc.msg} at column {exc.colno})", file=sys.stderr)
        return 2
    if not isinstance(params, dict):
        print(
            "call: PARAMS must be a JSON object, e.g. '{\"SdkAppId\": 1400000001}'", file=sys.stderr
        )
        return 2
    if not args.action.isidentifier():
        print(
            f"call: {args.action!r} is not an API name (letters and digits only)", file=sys.stderr
        )
        return 2
    settings = configured()
    if settings is None:
        return 2
    return asyncio.run(_call(settings, args.action, params))


async def _call(settings: Any, action: str, params: dict[str, Any]) -> int:
    async with open_backend(settings) as backend:
        print(f"[{backend.label}] {action} → {backend.endpoint}", file=sys.stderr)
        try:
            response = await backend.client.call(action, params)
        except TrtcApiError as exc:
            print(
                f"Code: {exc.code}\nMessage: {exc.message}\nRequestId: {exc.request_id}",
                file=sys.stderr,
            )
            return 1
        except TrtcError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    print(json.dumps({"Response": response}, indent=2, ensure_ascii=False))
    return 0
