"""TRTC event callbacks: the receiver, the relay to watched threads, the paced incident feed.

What they keep (callbacks as received, watches) is in ``bot.store``.
"""

from bot.callbacks.banlist import BANNED_PATH, Banlist, sign_query
from bot.callbacks.digest import Digest, describe
from bot.callbacks.event import CallbackEvent, EventType, MalformedCallback, parse_event
from bot.callbacks.feed import Feed, Pacing, Tally
from bot.callbacks.intake import Intake, Overloaded
from bot.callbacks.receiver import CALLBACK_PATH, MAX_BODY, Receiver, add_routes, serve_receiver
from bot.callbacks.relay import Relay
from bot.callbacks.service import CallbackService, banlist_key, callback_key, receiver_only
from bot.callbacks.signature import sign, verify

__all__ = [
    "BANNED_PATH",
    "CALLBACK_PATH",
    "MAX_BODY",
    "Banlist",
    "CallbackEvent",
    "CallbackService",
    "Digest",
    "EventType",
    "Feed",
    "Intake",
    "MalformedCallback",
    "Overloaded",
    "Pacing",
    "Receiver",
    "Relay",
    "Tally",
    "add_routes",
    "banlist_key",
    "callback_key",
    "describe",
    "parse_event",
    "receiver_only",
    "serve_receiver",
    "sign",
    "sign_query",
    "verify",
]
