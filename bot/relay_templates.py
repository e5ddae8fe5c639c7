"""Relay templates: the StartPublishCdnStream parameters a `relay start` sends.

``TRTC_CHATOPS_RELAY_TEMPLATES`` is JSON or YAML (inline, or the path of a file)
naming two templates in the API's own vocabulary::

    single: {WithTranscoding: 0, AudioParams: {AudioEncode: {SampleRate: 48000,
             Channel: 2, BitRate: 64}}, AgentParams: {MaxIdleTime: 30}}
    mixed:  {WithTranscoding: 1, AudioParams: {...}, VideoParams: {VideoEncode:
             {Width: 1280, Height: 720, Fps: 15, BitRate: 1500, Gop: 2},
             LayoutParams: {MixLayoutMode: 3}}}

The bot fills in what belongs to one start — SdkAppId, RoomId, RoomIdType, the
robot's UserId and UserSig, the forwarded user, the CDN URL — so a template that
sets any of those is refused at start-up, as is one that TRTC would refuse
(no AudioParams, a transcoding flag that does not match its name). Unset: the
defaults below, audio and 720p video.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

NAMES = ("single", "mixed")
# Top-level parameters a template may set (StartPublishCdnStream, reference §5.1).
ALLOWED = frozenset(
    {
        "AgentParams",
        "WithTranscoding",
        "AudioParams",
        "VideoParams",
        "SeiParams",
        "RecordParams",
        "PublishCdnParams",
    }
)
# Filled in by the bot for each start.
RESERVED = frozenset({"SdkAppId", "RoomId", "RoomIdType", "SingleSubscribeParams", "TaskId"})
_AUDIO = {"AudioEncode": {"SampleRate": 48000, "Channel": 2, "BitRate": 64, "Codec": 0}}
DEFAULTS: dict[str, dict[str, Any]] = {
    "single": {"WithTranscoding": 0, "AgentParams": {"MaxIdleTime": 30}, "AudioParams": _AUDIO},
    "mixed": {
        "WithTranscoding": 1,
        "AgentParams": {"MaxIdleTime": 30},
        "AudioParams": _AUDIO,
        "VideoParams": {
            "VideoEncode": {"Width": 1280, "Height": 720, "Fps": 15, "BitRate": 1500, "Gop": 2},
            "LayoutParams": {"MixLayoutMode": 3},
        },
    },
}


class TemplateError(ValueError):
    """The templates cannot be used; one line that says which and why."""


@dataclass(frozen=True)
class RelayTemplates:
    single: dict[str, Any]
    mixed: dict[str, Any]

    def pick(self, mixed: bool) -> dict[str, Any]:
        """A fresh copy: the caller adds the start's own parameters to it."""
        chosen = self.mixed if mixed else self.single
        copied: dict[str, Any] = json.loads(json.dumps(chosen))
        return copied


def default_templates() -> RelayTemplates:
    return RelayTemplates(**{name: DEFAULTS[name] for name in NAMES})


def load_templates(value: str | None) -> RelayTemplates:
    """Inline JSON/YAML or a file path; None or blank: the defaults."""
    if value is None or not value.strip():
        return default_templates()
    text = value
    path = Path(value.strip())
    if "\n" not in value and not value.lstrip().startswith("{") and path.is_file():
        text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise TemplateError(f"not JSON or YAML ({line})") from None
    if not isinstance(data, Mapping):
        raise TemplateError("must map template names (single, mixed) to parameters")
    unknown = sorted(set(data) - set(NAMES))
    if unknown:
        raise TemplateError(f"unknown template {unknown[0]!r}; the names are single and mixed")
    merged = {name: check(name, data.get(name, DEFAULTS[name])) for name in NAMES}
    return RelayTemplates(**merged)


def check(name: str, params: object) -> dict[str, Any]:
    """The checks TRTC would make of these parameters at start, as one-line errors."""
    if not isinstance(params, Mapping):
        raise TemplateError(f"{name}: must be a mapping of StartPublishCdnStream parameters")
    for key in params:
        if key in RESERVED:
            raise TemplateError(f"{name}: {key} is set by the bot for each start; remove it")
        if key not in ALLOWED:
            raise TemplateError(f"{name}: {key!r} is not a StartPublishCdnStream parameter")
    wanted = 1 if name == "mixed" else 0
    if params.get("WithTranscoding") != wanted:
        raise TemplateError(f"{name}: WithTranscoding must be {wanted}")
    audio = params.get("AudioParams")
    if not isinstance(audio, Mapping) or not isinstance(audio.get("AudioEncode"), Mapping):
        raise TemplateError(f"{name}: AudioParams.AudioEncode is required at start")
    _audio(name, audio["AudioEncode"])
    video = params.get("VideoParams")
    if video is not None:
        if not isinstance(video, Mapping):
            raise TemplateError(f"{name}: VideoParams must be a mapping")
        if wanted == 0 and video.get("LayoutParams") is not None:
            raise TemplateError(f"{name}: a layout needs transcoding (the mixed template)")
        if isinstance(video.get("VideoEncode"), Mapping):
            _video(name, video["VideoEncode"])
    agent = params.get("AgentParams", {})
    if not isinstance(agent, Mapping) or set(agent) - {"MaxIdleTime"}:
        raise TemplateError(f"{name}: AgentParams may set only MaxIdleTime (the bot names it)")
    _within(name, "AgentParams.MaxIdleTime", agent.get("MaxIdleTime", 30), 5, 86400)
    cdn = params.get("PublishCdnParams")
    if cdn is not None and (
        not isinstance(cdn, list) or len(cdn) != 1 or "PublishCdnUrl" in cdn[0]
    ):
        raise TemplateError(f"{name}: PublishCdnParams may hold one entry without a URL")
    return dict(params)


def _audio(name: str, encode: Mapping[str, Any]) -> None:
    rate = encode.get("SampleRate")
    if rate not in (48000, 44100, 32000, 24000, 16000, 8000):
        raise TemplateError(f"{name}: AudioEncode.SampleRate {rate!r} is not a TRTC rate")
    if encode.get("Channel") not in (1, 2):
        raise TemplateError(f"{name}: AudioEncode.Channel must be 1 or 2")
    _within(name, "AudioEncode.BitRate", encode.get("BitRate"), 8, 500)
    _within(name, "AudioEncode.Codec", encode.get("Codec", 0), 0, 2)


def _video(name: str, encode: Mapping[str, Any]) -> None:
    for field, low, high in (
        ("Width", 0, 1920),
        ("Height", 0, 1920),
        ("Fps", 1, 60),
        ("BitRate", 1, 10000),
        ("Gop", 1, 5),
    ):
        _within(name, f"VideoEncode.{field}", encode.get(field), low, high)


def _within(name: str, field: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TemplateError(f"{name}: {field} must be a whole number in [{low}, {high}]")
