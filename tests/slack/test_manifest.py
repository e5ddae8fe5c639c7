"""The app manifest: the slash command, interactivity, the events, App Home, least scopes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.cli.manifest import manifest

ROOT = Path(__file__).resolve().parents[2]


def test_manifest_command_prints_the_checked_in_manifest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`trtc-chatops manifest` prints exactly manifest.yml at the repository root."""
    assert main(["manifest"]) == 0
    printed = capsys.readouterr().out
    assert printed == (ROOT / "manifest.yml").read_text()


def test_manifest_asks_for_the_least_scopes_and_the_needed_events() -> None:
    """Only the scopes the adapter uses; app_mention and app_home_opened; /trtc; buttons."""
    data = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert data["oauth_config"]["scopes"] == {
        "bot": ["app_mentions:read", "chat:write", "commands", "files:write", "usergroups:read"]
    }
    settings = data["settings"]
    assert sorted(settings["event_subscriptions"]["bot_events"]) == [
        "app_home_opened",
        "app_mention",
    ]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is False
    [command] = data["features"]["slash_commands"]
    assert command["command"] == "/trtc"
    assert command["should_escape"] is True
    url = "https://trtc-chatops.example.com/slack/events"
    assert command["url"] == settings["interactivity"]["request_url"] == url
    assert settings["event_subscriptions"]["request_url"] == url
    assert data["features"]["app_home"]["home_tab_enabled"] is True


def test_socket_mode_manifest_has_no_request_urls() -> None:
    """`--socket`: Socket Mode on and no public URLs anywhere."""
    data = manifest(socket=True, url="https://unused.example")
    assert data["settings"]["socket_mode_enabled"] is True
    assert "unused.example" not in yaml.safe_dump(data)
    assert "request_url" not in data["settings"]["interactivity"]
