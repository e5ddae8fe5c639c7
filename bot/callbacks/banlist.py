"""``GET /trtc/banned?sdkappid=&room=&user=``: may this user enter this room? For the
customer's ticket server (the one minting UserSig and PrivateMapKey), before it issues a
ticket: with TRTC's Advanced Permission Control on, a banned user who gets no
PrivateMapKey cannot enter at all, instead of entering and being removed again.

Off (404: not mounted) unless TRTC_CHATOPS_BANLIST_KEY is set. Each request is signed
with that shared secret:

    X-Chatops-Timestamp: <Unix seconds>
    X-Chatops-Signature: hex(HMAC-SHA256(key, "<timestamp>\\nGET\\n/trtc/banned\\n<query>"))

``<query>`` is the raw query string exactly as sent (no re-ordering, no decoding). The
signature is compared in constant time; a timestamp more than WINDOW_S away from our
clock is refused, so a captured request is good for two minutes at most (and it only
reads). Answers, JSON:

    401  signature or timestamp missing, wrong or stale
    400  sdkappid, room or user missing or malformed
    200  {"allowed": false, "banned": true, "until": 1733553600 | null, "scope":
          "room" | "application", "sdkappid", "room", "room_type", "user"}
         or {"allowed": true, "banned": false, "until": null, …}

``room`` is a numeric room when it is digits without a leading zero, else a string
room; ``room_type=string`` asks about the string room "1234" instead.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.store.bans import Bans

log = logging.getLogger(__name__)

BANNED_PATH = "/trtc/banned"
WINDOW_S = 120.0
TIMESTAMP = "X-Chatops-Timestamp"
SIGNATURE = "X-Chatops-Signature"
MAX_FIELD = 128


def sign_query(key: str, timestamp: str, query: str, *, path: str = BANNED_PATH) -> str:
    """The signature a ticket server sends for ``query`` at ``timestamp``."""
    message = f"{timestamp}\nGET\n{path}\n{query}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _refuse(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class Banlist:
    def __init__(self, key: str, bans: Bans, *, clock: Callable[[], float] = time.time) -> None:
        if not key:
            raise ValueError("the ban list needs TRTC_CHATOPS_BANLIST_KEY")
        self._key = key
        self.bans = bans
        self._clock = clock

    async def handle(self, request: web.Request) -> web.Response:
        query = request.raw_path.partition("?")[2]
        refused = self._authentic(
            request.headers.get(TIMESTAMP), request.headers.get(SIGNATURE), query
        )
        if refused is not None:
            log.info("ban list query refused: %s", refused)
            return _refuse(401, refused)
        asked = _asked(request.query)
        if isinstance(asked, str):
            return _refuse(400, asked)
        sdkappid, room, numeric, user = asked
        now = self._clock()
        found = await self.bans.covering(sdkappid, room, numeric, user, now)
        answer: dict[str, Any] = {
            "sdkappid": sdkappid,
            "room": room,
            "room_type": "numeric" if numeric else "string",
            "user": user,
            "allowed": not found,
            "banned": bool(found),
            "until": None,
        }
        if found:
            # The ban that lasts longest decides; one without an end outlasts them all.
            last = max(found, key=lambda b: float("inf") if b.until is None else b.until)
            answer["until"] = None if last.until is None else int(last.until)
            answer["scope"] = "application" if last.everywhere else "room"
        return web.json_response(answer)

    def _authentic(self, timestamp: str | None, signature: str | None, query: str) -> str | None:
        """Why the request is not the key holder's, or None when it is."""
        if not timestamp or not signature:
            return f"{TIMESTAMP} and {SIGNATURE} are required"
        try:
            at = int(timestamp)
        except ValueError:
            return f"{TIMESTAMP} must be Unix seconds"
        expected = sign_query(self._key, timestamp, query).encode()
        if not hmac.compare_digest(expected, signature.strip().lower().encode("utf-8", "replace")):
            return f"{SIGNATURE} does not match"
        if abs(self._clock() - at) > WINDOW_S:
            return f"{TIMESTAMP} is more than {WINDOW_S:g} s from our clock (a replay?)"
        return None


def _asked(query: Any) -> tuple[int, str, bool, str] | str:
    """(sdkappid, room, numeric, user) from the query, or what is wrong with it."""
    app, room, user = query.get("sdkappid", ""), query.get("room", ""), query.get("user", "")
    if not (app.isascii() and app.isdigit()) or not 0 < int(app) <= 9_999_999_999:
        return "sdkappid must be the application's SdkAppId"
    if not room or len(room) > MAX_FIELD or not user or len(user) > MAX_FIELD:
        return f"room and user are required (at most {MAX_FIELD} characters each)"
    kind = query.get("room_type", "")
    if kind not in ("", "numeric", "string"):
        return "room_type is numeric or string"
    digits = room.isascii() and room.isdigit() and room[0] != "0"
    if kind == "numeric" and not digits:
        return "a numeric room is digits"
    numeric = digits and kind != "string"
    return int(app), room, numeric, user


def add_banlist_route(app: web.Application, banlist: Banlist) -> None:
    app.router.add_get(BANNED_PATH, banlist.handle)
