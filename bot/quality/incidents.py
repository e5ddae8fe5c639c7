"""What a user's SDK events say about trouble: network switches, exits, device errors.

Reads DescribeUserEvent's EventIds (reference §10). Native SDKs report the
network type (1003: 0 lost, 1 Wi-Fi, 2 4G, 3 3G, 4 2G, 5 wired), so a switch is
"Wi-Fi → 4G"; web users only show a media channel dropping and coming back
(32792/32793). TRTC's backend reports 7001 for everyone: ParamOne 1 is a
timeout, the abnormal exit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.trtc.events import describe
from bot.trtc.models import EventMessage

NETWORKS = {1: "Wi-Fi", 2: "4G", 3: "3G", 4: "2G", 5: "wired"}

# Events that mean the device or the app let the call down (ids from §10).
_DEVICE_ERRORS = frozenset({4002, 4011, 4012})
_FAILED_WHEN_ZERO = frozenset({5002, 5003, 5008})  # ParamOne 0: the step failed
_PERMISSION = 2002
_CAPTURE_INTERRUPTED = 2003  # mainland only; 0 is "recovered"
_DECODE_FAILURES = 4013
_NETWORK = 1003
_MEDIA_DOWN, _MEDIA_UP = 32792, 32793
_LEAVE = 7001
_TIMEOUT = 5005
_SIGNAL_LOST = 36864
_EXIT_LEAD_S = 60


class IncidentKind(StrEnum):
    NETWORK_SWITCH = "network_switch"
    RECONNECT = "reconnect"
    ABNORMAL_EXIT = "abnormal_exit"
    KICKED = "kicked"
    DEVICE_ERROR = "device_error"


@dataclass(frozen=True, slots=True)
class Incident:
    at: int  # Unix seconds (events carry milliseconds)
    kind: IncidentKind
    words: str  # "switched Wi-Fi → 4G", "dropped out"
    detail: str = ""  # "connection timed out"


@dataclass(frozen=True, slots=True)
class Story:
    """The incidents of one user, and the network they were on over time."""

    incidents: tuple[Incident, ...] = ()
    networks: tuple[tuple[int, str], ...] = ()  # (since, "Wi-Fi"), in time order

    def network_at(self, at: int) -> str | None:
        current = None
        for since, name in self.networks:
            if since <= at:
                current = name
        return current

    def of(self, kind: IncidentKind) -> list[Incident]:
        return [i for i in self.incidents if i.kind is kind]

    @property
    def abnormal_exit(self) -> Incident | None:
        return next(iter(self.of(IncidentKind.ABNORMAL_EXIT)), None)


def read_events(events: Iterable[EventMessage]) -> Story:
    found: list[Incident] = []
    networks: list[tuple[int, str]] = []
    media_down: int | None = None
    timeouts: list[int] = []
    ordered = sorted(events, key=lambda e: e.time)
    for event in ordered:
        at, eid, one = event.time // 1000, event.event_id, event.param_one
        if eid == _NETWORK and one in NETWORKS:
            name = NETWORKS[one]
            if networks and networks[-1][1] != name:
                words = f"switched {networks[-1][1]} → {name}"
                found.append(Incident(at, IncidentKind.NETWORK_SWITCH, words))
            elif networks:
                found.append(
                    Incident(at, IncidentKind.RECONNECT, f"network dropped, back on {name}")
                )
            networks.append((at, name))
        elif eid == _MEDIA_DOWN:
            media_down = at
        elif eid == _MEDIA_UP and media_down is not None:
            found.append(
                Incident(media_down, IncidentKind.RECONNECT, "connection dropped and came back")
            )
            media_down = None
        elif eid in (_TIMEOUT, _SIGNAL_LOST):
            timeouts.append(at)
        elif eid == _LEAVE and one == 1:
            found.append(
                Incident(at, IncidentKind.ABNORMAL_EXIT, "dropped out", "connection timed out")
            )
        elif eid == _LEAVE and one == 2:
            found.append(Incident(at, IncidentKind.KICKED, "was removed from the room"))
        elif _is_device_error(event):
            found.append(Incident(at, IncidentKind.DEVICE_ERROR, describe(event)))
    exits = [i.at for i in found if i.kind is IncidentKind.ABNORMAL_EXIT]
    for at in timeouts:  # a timeout just before an abnormal exit is part of it
        if not any(0 <= end - at <= _EXIT_LEAD_S for end in exits):
            found.append(Incident(at, IncidentKind.RECONNECT, "connection to TRTC timed out"))
    return Story(tuple(sorted(found, key=lambda i: i.at)), tuple(networks))


def _is_device_error(event: EventMessage) -> bool:
    eid, one = event.event_id, event.param_one
    return (
        eid in _DEVICE_ERRORS
        or (eid in _FAILED_WHEN_ZERO and one == 0)
        or (eid == _PERMISSION and one in (4, 5))  # microphone, camera
        or (eid == _CAPTURE_INTERRUPTED and one in (2, 3, 5))
        or (eid == _DECODE_FAILURES and one > 0)
    )
