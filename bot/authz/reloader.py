"""Keeping the policy in force up to date without ever running on a broken one.

At start-up a broken file raises PolicyError, so the bot does not start (fail
closed). Afterwards the file is reloaded on SIGHUP and when it changes (polled:
modification time, size and inode, so an atomic rename is seen too); a broken
version is refused, logged with the precise error, and the previous policy stays
in force until a valid version appears. Unlike CAM's cache of about a minute, a
reload takes effect at once, for the next decision.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

from bot.authz.decision import Decision
from bot.authz.engine import PolicySet
from bot.authz.errors import PolicyError
from bot.authz.loader import fingerprint, load_policy_file
from bot.authz.request import AuthzRequest

log = logging.getLogger(__name__)


class PolicyReloader:
    """The policy set in force, loaded from `path`; raises PolicyError if it is broken."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._seen = fingerprint(self.path)
        self._current = load_policy_file(self.path)
        for warning in self._current.warnings:
            log.warning("policy %s: %s", self.path, warning)

    @property
    def current(self) -> PolicySet:
        return self._current

    def evaluate(self, request: AuthzRequest) -> Decision:
        return self._current.evaluate(request)

    def can_approve(self, approver: AuthzRequest, requester_user_id: str) -> Decision:
        return self._current.can_approve(approver, requester_user_id)

    def principals(self) -> tuple[frozenset[str], frozenset[str]]:
        return self._current.principals()

    def reload(self) -> bool:
        """Load the file again; True if the new version is now in force."""
        self._seen = fingerprint(self.path)
        try:
            fresh = load_policy_file(self.path)
        except PolicyError as error:
            log.error("policy reload refused, the previous policy stays in force: %s", error)
            return False
        self._current = fresh
        log.info(
            "policy reloaded from %s (%d policies)", self.path, len(fresh.policy_file.policies)
        )
        for warning in fresh.warnings:
            log.warning("policy %s: %s", self.path, warning)
        return True

    def check(self) -> bool:
        """Reload if the file changed since it was last read; True if a new policy is in force."""
        if fingerprint(self.path) == self._seen:
            return False
        return self.reload()

    def install_sighup(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Reload on SIGHUP (Unix), from the event loop rather than inside the handler."""
        (loop or asyncio.get_running_loop()).add_signal_handler(signal.SIGHUP, self.reload)

    async def watch(self, interval: float = 2.0) -> None:
        """Poll the file for changes until cancelled."""
        while True:
            await asyncio.sleep(interval)
            self.check()
