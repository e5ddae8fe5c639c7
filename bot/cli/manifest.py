"""`trtc-chatops manifest`: the Slack app manifest, to create the app in one paste.

Least privilege: ``commands`` (/trtc), ``chat:write`` (replies, updates,
ephemeral refusals), ``app_mentions:read`` (@mentions in incident threads),
``usergroups:read`` (``usergroups.users.list`` for policies attached to
usergroups) and ``files:write`` (charts and exports in the thread).
``app_home_opened`` needs no scope. No history, no user scopes.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

PLACEHOLDER_URL = "https://trtc-chatops.example.com"
BOT_SCOPES = ["app_mentions:read", "chat:write", "commands", "files:write", "usergroups:read"]
EVENTS = ["app_home_opened", "app_mention"]


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "manifest",
        help="print the Slack app manifest (YAML)",
        description="Print the manifest that creates the Slack app: /trtc, interactivity, "
        "the app_mention and app_home_opened events, App Home and the least scopes needed.",
    )
    parser.add_argument(
        "--url",
        default=None,
        help="the bot's public https URL for HTTP mode (…/slack/events is appended unless given)",
    )
    parser.add_argument(
        "--socket", action="store_true", help="Socket Mode: no request URLs (needs SLACK_APP_TOKEN)"
    )
    parser.add_argument("--name", default="TRTC ChatOps", help="the app's display name")
    parser.set_defaults(handler=run)


class ManifestError(ValueError):
    """Options that cannot make a manifest: said in one line, exit 2."""


EVENTS_PATH = "/slack/events"


def events_url(url: str) -> str:
    """``https://host`` or ``https://host/slack/events`` → the events URL (never doubled)."""
    parsed = urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ManifestError(f"--url {url!r} is not a URL: write https://your-host")
    if parsed.query or parsed.fragment:
        raise ManifestError(f"--url {url!r}: give the base URL, without ?query or #fragment")
    path = parsed.path.rstrip("/")
    if not path.endswith(EVENTS_PATH):
        path += EVENTS_PATH
    return urlunsplit((parsed.scheme, parsed.netloc, path, "", ""))


def manifest(
    *, url: str = PLACEHOLDER_URL, socket: bool = False, name: str = "TRTC ChatOps"
) -> dict[str, Any]:
    url_for_events = events_url(url)
    command: dict[str, Any] = {
        "command": "/trtc",
        "description": "Run TRTC operations (rooms, users, kick, mute, dismiss…) behind policy",
        "usage_hint": 'help | users <room> | kick <room> <user> --reason "…"',
        # Mentions arrive as <@U…> ids (for `can @alice …`), never as display names.
        "should_escape": True,
    }
    events: dict[str, Any] = {"bot_events": EVENTS}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket:
        command["url"] = url_for_events
        events["request_url"] = url_for_events
        interactivity["request_url"] = url_for_events
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "Tencent Cloud TRTC operations from Slack, behind CAM-style policies",
            "background_color": "#1d3c6e",
            "long_description": (
                "Moderators, on-call engineers and approvers run TRTC server operations from "
                "Slack: list rooms and users, remove or mute users, dismiss a room, read call "
                "quality, in the thread where the incident is discussed. Every request is "
                "checked against CAM-style policies; risky actions wait for a second person's "
                "approval, and everything is audited."
            ),
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                # Read-only: reminders of pending approvals come as DMs; nothing is read there.
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": "trtc", "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket,
            "token_rotation_enabled": False,
        },
    }


HEADER = (
    "# The Slack app manifest for trtc-chatops (`trtc-chatops manifest [--url URL | --socket]`).\n"
    "# Create the app at https://api.slack.com/apps → Create New App → From a manifest.\n"
)


def render(**options: Any) -> str:
    return HEADER + yaml.safe_dump(
        manifest(**options), sort_keys=False, allow_unicode=True, width=100
    )


def run(args: argparse.Namespace) -> int:
    if args.url is not None and args.socket:
        print(
            "manifest: --url and --socket exclude each other (Socket Mode has no request URLs)",
            file=sys.stderr,
        )
        return 2
    try:
        text = render(url=args.url or PLACEHOLDER_URL, socket=args.socket, name=args.name)
    except ManifestError as exc:
        print(f"manifest: {exc}", file=sys.stderr)
        return 2
    print(text, end="")
    return 0
