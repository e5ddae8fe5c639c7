"""Configuration: the only module that reads the environment (and ``.env``).

Names are the ones the Tencent Cloud SDKs and Slack already use, so an existing
setup works unchanged. Secrets are ``SecretStr``: their repr is masked.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from bot.editions import edition
from bot.relay_templates import RelayTemplates, load_templates
from bot.storage_params import parse_storage

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
    # The application's SDK secret (console: application info), not the API key: it signs
    # the UserSig of robots the bot sends into rooms (recording, stream ingest).
    trtc_sdk_secret_key: SecretStr | None = None
    # Where `record` stores files: the API's StorageParams as JSON (bot/storage_params.py).
    # A secret: a COS configuration carries the bucket's SecretKey.
    trtc_chatops_recording_storage: SecretStr | None = None
    # The user id the recording robot joins rooms as (it must not be a real user's).
    trtc_chatops_recorder_user: str = Field(
        default="bot_recorder", min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$"
    )
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
    # Where the console writes the charts (PNG) of replies; files older than a day are
    # removed at start and hourly. Unset: $XDG_RUNTIME_DIR/trtc-chatops, else
    # <tmp>/trtc-chatops-<uid> (bot/console/files.py). Slack uploads charts instead.
    trtc_chatops_chart_dir: Path | None = None
    trtc_chatops_approvals_channel: str | None = None
    # A usergroup (S…) mentioned when a pending approval reaches 3/4 of its time unanswered.
    trtc_chatops_escalation_usergroup: str | None = None
    # At half an approval's time, at most this many eligible approvers get a DM.
    trtc_chatops_reminder_max_people: int = Field(default=10, ge=0, le=100)
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
    # Usage and cost: the operator's price table (YAML/JSON, bot/usage/prices.py); without
    # it usage is shown in minutes only. Never guessed.
    trtc_chatops_prices: Path | None = None
    # A daily usage digest posted to this channel at HH:MM in TRTC_CHATOPS_DIGEST_TZ.
    trtc_chatops_digest_channel: str | None = None
    trtc_chatops_digest_at: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    trtc_chatops_digest_tz: str = "UTC"
    # Post to the digest channel when today's usage so far exceeds this factor of the
    # same hours' median over the last 7 days (e.g. 2.0).
    trtc_chatops_usage_alert: float | None = Field(default=None, gt=1.0, le=1000)
    # What `relay start` sends (bot/relay_templates.py): JSON/YAML, inline or a file path.
    trtc_chatops_relay_templates: str | None = None
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

    @field_validator("trtc_chatops_digest_tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name") from None
        return value

    @field_validator("trtc_chatops_monitoring_edition")
    @classmethod
    def _edition(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return edition(value).name  # a ValueError names the editions there are

    @field_validator("trtc_chatops_recording_storage")
    @classmethod
    def _storage(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        parse_storage(value.get_secret_value())  # a ValueError says what, never the value
        return value

    @property
    def recording_storage(self) -> dict[str, Any] | None:
        """The checked StorageParams, or None when recording is not configured."""
        raw = self.trtc_chatops_recording_storage
        return parse_storage(raw.get_secret_value()) if raw is not None else None

    @field_validator("trtc_chatops_relay_templates")
    @classmethod
    def _relay_templates(cls, value: str | None) -> str | None:
        load_templates(value)  # a TemplateError (a ValueError) says which template and why
        return value

    @property
    def relay_templates(self) -> RelayTemplates:
        return load_templates(self.trtc_chatops_relay_templates)

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

    def slack_incomplete(self) -> str | None:
        """Why Slack settings cannot start Slack (then nothing starts), or None: a bot
        token alone would otherwise fall through to the console, silently."""
        app = self.slack_app_token.get_secret_value() if self.slack_app_token else ""
        if app and not app.startswith("xapp-"):
            return (
                "SLACK_APP_TOKEN must be an app-level token (xapp-…, with connections:write); "
                "an xoxb- bot token belongs in SLACK_BOT_TOKEN"
            )
        given = [n for n in _SLACK_VARS if getattr(self, n.lower())]
        if not given or self.slack_mode is not SlackMode.CONSOLE:
            return None
        if not self.slack_bot_token:
            return f"{', '.join(given)} set but SLACK_BOT_TOKEN is missing"
        missing = [
            n
            for n in ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "PORT")
            if not getattr(self, n.lower())
        ]
        return (
            "SLACK_BOT_TOKEN is set, but Socket Mode needs SLACK_APP_TOKEN and HTTP needs "
            f"SLACK_SIGNING_SECRET and PORT; missing: {', '.join(missing)}"
        )

    @property
    def slack_mode(self) -> SlackMode:
        if self.slack_app_token and self.slack_bot_token:
            return SlackMode.SOCKET
        if self.slack_signing_secret and self.slack_bot_token and self.port:
            return SlackMode.HTTP
        return SlackMode.CONSOLE


_JSON_EXAMPLES = {"TRTC_CHATOPS_APPS": ' (write e.g. {"prod": 1400000001})'}


_SLACK_VARS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")


def load_settings(**overrides: Any) -> Settings:
    """Build Settings once, turning pydantic's report into one message per bad variable.

    The offending *value* is never echoed: it may be a secret.
    """
    try:
        return Settings(**overrides)
    except PydanticSettingsError as exc:  # a JSON setting that is not JSON
        field = re.search(r'field "(\w+)"', str(exc))
        name = field.group(1).upper() if field else "a JSON setting"
        example = _JSON_EXAMPLES.get(name, "")
        raise SettingsError(f"invalid configuration:\n  {name}: not valid JSON{example}") from None
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_input=False, include_url=False):
            name = str(err["loc"][0]).upper() if err["loc"] else "configuration"
            lines.append(f"{name}: {err['msg']}")
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(lines)) from None
