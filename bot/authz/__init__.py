"""CAM-compatible authorization for trtc-chatops (pure; only `loader` reads files)."""

from bot.authz.decision import Decision, Effect, Reason
from bot.authz.engine import PolicySet
from bot.authz.errors import PolicyError
from bot.authz.loader import load_policy_file, loads
from bot.authz.policyfile import PolicyFile, parse_policy_file
from bot.authz.presets import FULL_ACCESS, READONLY_ACCESS
from bot.authz.reloader import PolicyReloader
from bot.authz.request import APPROVE_ACTION, AuthzRequest

__all__ = [
    "APPROVE_ACTION",
    "FULL_ACCESS",
    "READONLY_ACCESS",
    "AuthzRequest",
    "Decision",
    "Effect",
    "PolicyError",
    "PolicyFile",
    "PolicyReloader",
    "PolicySet",
    "Reason",
    "load_policy_file",
    "loads",
    "parse_policy_file",
]
