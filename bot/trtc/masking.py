"""Stream URLs with their secrets taken out, before anything stores or shows them.

A CDN push URL carries its credentials in plain sight: the stream key is the last
segment of an RTMP path (``rtmp://live.example.com/live/<key>``), signatures ride in
the query (``txSecret=…&txTime=…``, ``sign=``, ``token=``, ``auth_key=``…) and some
URLs carry ``user:password@``. Which query values are secret differs from CDN to CDN,
so every query value is masked, not only the names we know. What is left — the
scheme, the host, the application path — is enough for a person to tell two
targets apart, and the masked form is stable, so it can be compared and stored.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlsplit

MASK = "***"
# Schemes whose last path segment is a stream key (RTMP family, SRT).
_KEYED_PATH = frozenset({"rtmp", "rtmps", "rtmpe", "rtmpt", "srt"})
# A URL inside free text (a typed command, an error message). Quotes, angle brackets and
# Slack's ``|label`` separator end it, so ``--url "rtmp://…"`` keeps its closing quote.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s\"'<>|`]+")


def mask_url(url: str) -> str:
    """``rtmp://u:p@live.example.com/live/key?txSecret=abc`` →
    ``rtmp://***@live.example.com/live/***?txSecret=***``."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return MASK
    if not parts.scheme or not host:
        return MASK
    scheme = parts.scheme.lower()
    netloc = ("***@" if "@" in parts.netloc else "") + _host(host, port)
    path = _path(scheme, parts.path)
    query = "&".join(f"{name}={MASK}" for name, _ in parse_qsl(parts.query, True))
    # A fragment is never sent to the server; drop it rather than guess what it holds.
    return SplitResult(scheme, netloc, path, query, "").geturl()


def host_of(url: str) -> str:
    """Just the host, for sentences ("CDN relay to live.example.com …")."""
    try:
        return urlsplit(url.strip()).hostname or "an unknown host"
    except ValueError:
        return "an unknown host"


def mask_text(text: str) -> str:
    """Every URL in ``text`` masked; the words around them kept as they were."""
    return _URL_IN_TEXT.sub(lambda m: mask_url(m.group(0)), text)


def _host(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


def _path(scheme: str, path: str) -> str:
    if "://" in path or "@" in path:  # a URL (or credentials) inside the path: all of it
        return f"/{MASK}"
    segments = path.split("/")
    keyed = [i for i, segment in enumerate(segments) if segment]
    if scheme in _KEYED_PATH and keyed:
        segments[keyed[-1]] = MASK
    return "/".join(segments)
