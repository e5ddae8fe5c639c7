"""DescribeUserEvent's EventId table (reference §10) in plain words."""

from __future__ import annotations

from bot.trtc.models import EventMessage

_NETWORK = {0: "network lost", 1: "Wi-Fi", 2: "4G", 3: "3G", 4: "2G", 5: "wired"}
_LEAVE = {0: "left normally", 1: "left: timed out", 2: "was kicked out"}
_QOS = {
    1: "local, smoothness",
    2: "local, clarity",
    101: "cloud, smoothness",
    102: "cloud, clarity",
}
_SCENE = {0: "video call", 1: "live streaming", 2: "audio call", 3: "voice chat room"}

_FIXED: dict[int, str] = {
    4010: "RPS disabled (device performance or a poor network)",
    4011: "hardware decoder failed to start",
    4012: "fell back to software decoding",
    5001: "started entering the room",
    5004: "started sending video",
    5005: "connection to the server timed out",
    5006: "first video packet received",
    5007: "first video frame played",
    5009: "first audio frame sent",
    36864: "signalling channel lost (reported by the server)",
    32768: "video on",
    32769: "audio on",
    32770: "video off",
    32771: "audio off",
    32772: "audio off (sending mute packets)",
    32773: "video off (sending black frames)",
    32774: "audio on",
    32775: "video on",
    32776: "subscribed to video",
    32777: "subscribed to audio",
    32778: "unsubscribed from video",
    32779: "unsubscribed from audio",
    32780: "switched camera",
    32781: "switched microphone",
    32782: "video updated",
    32783: "audio updated",
    32784: "remote video disabled",
    32785: "remote audio disabled",
    32786: "remote video enabled",
    32787: "remote audio enabled",
    32788: "entered the room",
    32789: "left the room",
    32790: "signalling disconnected",
    32791: "signalling connected",
    32792: "media channel disconnected",
    32793: "media channel connected",
}

_BY_PARAM: dict[int, tuple[str, dict[int, str]]] = {
    1001: ("wired headset", {0: "unplugged", 1: "plugged in"}),
    1002: ("Bluetooth headset", {0: "disconnected", 1: "connected"}),
    1003: ("network", _NETWORK),
    2001: ("app", {0: "moved to foreground", 1: "moved to background"}),
    2002: (
        "missing permission",
        {1: "network", 2: "file read", 3: "file write", 4: "microphone", 5: "camera"},
    ),
    3001: ("microphone", {0: "capture started", 1: "muted", 2: "capture disabled", 3: "unmuted"}),
    3002: ("playback", {0: "unmuted", 1: "muted"}),
    2003: (
        "capture interrupted",
        {
            0: "recovered (audio and video)",
            1: "app in the background (video)",
            2: "microphone taken by another app",
            3: "camera taken by another app",
            4: "several apps in the foreground (video)",
            5: "device too slow (video)",
        },
    ),
    3003: ("audio codec", {10: "AAC", 11: "Opus"}),
    3004: ("audio route", {0: "speaker", 1: "earpiece"}),
    4001: ("camera opened", {0: "front", 1: "rear"}),
    4002: ("camera failed to open", {0: "front", 1: "rear"}),
    4004: ("encoder", {0: "software", 1: "hardware"}),
    4005: ("decoder", {0: "software", 1: "hardware"}),
    # 4006: the international table's meaning (the mainland one differs: reference §10).
    4006: ("video upstream", {0: "enabled", 1: "disabled"}),
    4014: ("remote picture", {0: "shown", 1: "hidden"}),
    4015: ("main video stream", {0: "unsubscribed", 1: "subscribed"}),
    5002: ("IP lookup", {0: "failed", 1: "succeeded"}),
    5003: ("room entry", {0: "failed", 1: "succeeded"}),
    5008: ("room exit", {0: "failed", 1: "succeeded"}),
    7000: ("entered the room", {0: "normally", 1: "again (re-entry)"}),
    7001: ("", _LEAVE),
}


def describe(event: EventMessage) -> str:
    """``7001/2`` → ``was kicked out``; unknown ids stay visible as numbers."""
    if event.event_id in _FIXED:
        return _FIXED[event.event_id]
    if event.event_id in (4003, 4007):
        return f"resolution {event.param_one}×{event.param_two}"
    if event.event_id == 4008:
        return f"frame rate set to {event.param_one} fps"
    if event.event_id == 4009:
        return f"bitrate set to {event.param_one}"
    if event.event_id == 4013:
        kind = "hardware" if event.param_two == 1 else "software"
        return f"{event.param_one} {kind} decoding failures in 3 s"
    if event.event_id == 6001:
        qos = _QOS.get(event.param_one, f"mode {event.param_one}")
        scene = _SCENE.get(event.param_two, f"scene {event.param_two}")
        return f"QoS preference: {qos} ({scene})"
    if event.event_id in _BY_PARAM:
        subject, meanings = _BY_PARAM[event.event_id]
        meaning = meanings.get(event.param_one, f"value {event.param_one}")
        return f"{subject}: {meaning}" if subject else meaning
    return f"event {event.event_id} ({event.param_one}, {event.param_two})"
