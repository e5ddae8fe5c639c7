"""Configuration: the only module that reads the environment (and ``.env``).

Names are the ones the Tencent Cloud SDKs and Slack already use, so an existing
setup works unchanged. Secrets are ``SecretStr``: their repr is masked.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.editions import edition

DEFAULT_ENDPOINT = "trtc.tencentcloudapi.com"
INTL_ENDPOINT = "trtc.intl.tencentcloudapi.com"


class TrtcMode(StrEnum):
    REAL = "tencent-cloud"
    SIMULATOR = "simulator"


class Site(StrEnum):
    """Tencent Cloud's two TRTC sites: they offer different actions, regions and metrics
    (bot/trtc/sites.py says which)."""

    MAINLAND = "mainland"  # trtc.tencentcloudapi.com
    INTL = "intl"  # trtc.intl.tencentcloudapi.com


class RateLimitScope(StrEnum):
    """What TRTC's "20 requests/s for this API" is counted over. The docs do not say;
    ``action`` (each action, per account) is the assumption (trtc-server-api.md §2.5)."""

    ACTION = "action"  # each action on its own, all SdkAppIds together
    SDKAPPID = "sdkappid"  # each action and SdkAppId on its own
    ACCOUNT = "account"  # every action of the account together


class SlackMode(StrEnum):
    SOCKET = "socket"
    HTTP = "http"
    CONSOLE = "console"


class SettingsError(ValueError):
    """A configuration value is invalid; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    tencentcloud_secret_id: SecretStr | None = None
    tencentcloud_secret_key: SecretStr | None = None
    tencentcloud_token: SecretStr | None = None
    tencentcloud_region: str = "ap-guangzhou"
    trtc_endpoint: str = DEFAULT_ENDPOINT
    trtc_sdk_app_id: int | None = Field(default=None, gt=0)
    trtc_callback_key: SecretStr | None = None
    # The shared secret of GET /trtc/banned (a ticket server asks before issuing a
    # PrivateMapKey, bot/callbacks/banlist.py); unset: not served.
    trtc_chatops_banlist_key: SecretStr | None = None

    # Client behaviour (ours; not in the Tencent SDK's vocabulary).
    trtc_timeout_s: float = Field(default=10.0, gt=0, le=120)
    trtc_rate_limit: float = Field(default=20.0, gt=0)
    trtc_max_attempts: int = Field(default=4, ge=1, le=10)
    trtc_language: str = Field(default="en-US", pattern=r"^(en-US|zh-CN)$")
    trtc_rate_limit_scope: RateLimitScope = RateLimitScope.ACTION
    # Unset: derived from TRTC_ENDPOINT (see ``site``); needed for a simulator URL or a
    # region-pinned host, whose name does not say the site.
    trtc_site: Site | None = None

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    trtc_chatops_policy_file: Path | None = None
    trtc_chatops_approvals_channel: str | None = None
    # Named applications for `app/room`, as JSON: {"prod": 1400000001, "staging": 1400000002}.
    trtc_chatops_apps: dict[str, int] = Field(default_factory=dict)
    trtc_chatops_approval_ttl_s: int = Field(default=900, ge=60, le=86400)
    trtc_chatops_confirm_ttl_s: int = Field(default=120, ge=10, le=3600)
    # How long `watch <room>` follows a room at most (it also ends when the room is dismissed).
    trtc_chatops_watch_ttl_s: int = Field(default=4 * 3600, ge=60, le=7 * 86400)
    # The TRTC monitoring package (bot/editions.py): how far back history reaches.
    trtc_chatops_monitoring_edition: str | None = None
    # How late TRTC's history APIs may show joins and leaves; replies on history say so.
    trtc_chatops_history_lag_s: int | None = Field(default=None, ge=0, le=86400)
    # Unset: a local SQLite file (a throw-away one while the simulator is in use).
    database_url: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535, validation_alias=AliasChoices("PORT"))

    @field_validator("trtc_endpoint")
    @classmethod
    def _endpoint_shape(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must be a host name or an http(s)://host:port URL")
        if "://" in value and not value.startswith(("http://", "https://")):
            raise ValueError("a URL endpoint must start with http:// or https://")
        return value

    @field_validator("trtc_chatops_monitoring_edition")
    @classmethod
    def _edition(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return edition(value).name  # a ValueError names the editions there are

    @field_validator("trtc_chatops_apps")
    @classmethod
    def _app_names(cls, value: dict[str, int]) -> dict[str, int]:
        for name, app in value.items():
            if not name or "/" in name or name.isdigit():
                raise ValueError(f"application name {name!r} must be a word without '/'")
            if app <= 0:
                raise ValueError(f"application {name!r}: SdkAppId must be positive")
        return value

    @property
    def trtc_mode(self) -> TrtcMode:
        """No Tencent credentials means the embedded simulator, never a half-configured client."""
        if self.tencentcloud_secret_id and self.tencentcloud_secret_key:
            return TrtcMode.REAL
        return TrtcMode.SIMULATOR

    @property
    def site(self) -> Site | None:
        """The TRTC site the bot talks to, so a command the site lacks is refused before
        any call. TRTC_SITE if set; else from TRTC_ENDPOINT: the international host →
        intl, another host → mainland, a URL (a simulator) → None. None also for the
        embedded simulator when neither is set: it then answers as both sites do."""
        if self.trtc_site is not None:
            return self.trtc_site
        configured = "trtc_endpoint" in self.model_fields_set
        if not configured and self.trtc_mode is TrtcMode.SIMULATOR:
            return None
        host = self.trtc_endpoint.lower()
        if "://" in host:
            return None
        if host == INTL_ENDPOINT or host.endswith(".intl.tencentcloudapi.com"):
            return Site.INTL
        return Site.MAINLAND

    @property
    def slack_mode(self) -> SlackMode:
        if self.slack_app_token and self.slack_bot_token:
            return SlackMode.SOCKET
        if self.slack_signing_secret and self.slack_bot_token and self.port:
            return SlackMode.HTTP
        return SlackMode.CONSOLE


def load_settings(**overrides: Any) -> Settings:
    """Build Settings once, turning pydantic's report into one message per bad variable.

    The offending *value* is never echoed: it may be a secret.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_input=False, include_url=False):
            name = str(err["loc"][0]).upper() if err["loc"] else "configuration"
            lines.append(f"{name}: {err['msg']}")
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(lines)) from None
