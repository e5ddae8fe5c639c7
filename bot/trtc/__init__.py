"""TRTC: signing, the async client, its models and errors, and the simulator."""

from bot.trtc.client import TrtcClient
from bot.trtc.errors import TrtcApiError, TrtcError, TrtcLimitError, TrtcTransportError
from bot.trtc.models import MuteMode, RoomId

__all__ = [
    "MuteMode",
    "RoomId",
    "TrtcApiError",
    "TrtcClient",
    "TrtcError",
    "TrtcLimitError",
    "TrtcTransportError",
]
