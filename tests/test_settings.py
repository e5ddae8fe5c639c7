"""Configuration: DESIGN.md's names, modes chosen from what is set, secrets masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, SlackMode, TrtcMode, load_settings

ALL_VARS = [
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_TOKEN",
    "TENCENTCLOUD_REGION",
    "TRTC_ENDPOINT",
    "TRTC_SDK_APP_ID",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "PORT",
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the checkout


def test_defaults_are_simulator_and_console() -> None:
    """With nothing configured the bot runs on the simulator and the console."""
    s = load_settings()
    assert s.trtc_mode is TrtcMode.SIMULATOR
    assert s.slack_mode is SlackMode.CONSOLE
    assert s.tencentcloud_region == "ap-guangzhou"
    assert s.trtc_endpoint == "trtc.tencentcloudapi.com"


def test_tencent_credentials_select_real_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both Tencent variables select Tencent Cloud; the key stays masked."""
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDx")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "super-secret-value")
    s = load_settings()
    assert s.trtc_mode is TrtcMode.REAL
    assert "super-secret-value" not in repr(s) + str(s)


def test_slack_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    """An app token means Socket Mode; a signing secret plus PORT means HTTP."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "sig")
    monkeypatch.setenv("PORT", "3000")
    assert load_settings().slack_mode is SlackMode.HTTP
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert load_settings().slack_mode is SlackMode.SOCKET


def test_dotenv_is_read(tmp_path: Path) -> None:
    """A .env file in the working directory configures the bot."""
    (tmp_path / ".env").write_text("TRTC_SDK_APP_ID=1400000009\nTENCENTCLOUD_REGION=ap-beijing\n")
    s = load_settings()
    assert s.trtc_sdk_app_id == 1400000009
    assert s.tencentcloud_region == "ap-beijing"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRTC_SDK_APP_ID", "not-a-number"),
        ("PORT", "70000"),
        ("TRTC_ENDPOINT", "ftp://example"),
    ],
)
def test_invalid_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """A bad value is refused with the variable's name and without echoing the value."""
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert name in str(err.value)
    assert value not in str(err.value)
