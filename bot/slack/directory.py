"""Usergroup membership from Slack (``usergroups.users.list``), cached with a TTL.

Only the usergroups the policy attaches matter, so those are the ones asked
about; each group's member list is kept for ``ttl_s`` and fetched once however
many requests want it at the same moment. When Slack cannot be asked, a
stale list is used if there is one younger than ``stale_limit_s``; with none,
``groups_of`` raises ``DirectoryError`` and the caller refuses to run anything
(an explicit deny attached to a group must not be skipped because Slack was
slow, nor someone removed from a group keep its rights through a long outage).
An answer without a member list is a failure, never "nobody is in it".
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.outbox import slack_error

log = logging.getLogger(__name__)


class DirectoryError(RuntimeError):
    """A usergroup's members could not be read and nothing is cached."""


@dataclass(frozen=True, slots=True)
class _Members:
    users: frozenset[str]
    at: float


class SlackDirectory:
    def __init__(
        self,
        client: AsyncWebClient,
        groups: Callable[[], Iterable[str]],
        *,
        ttl_s: float = 300.0,
        stale_limit_s: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._groups = groups
        self._ttl = ttl_s
        self._stale_limit = stale_limit_s
        self._clock = clock
        self._cache: dict[str, _Members] = {}
        self._inflight: dict[str, asyncio.Task[frozenset[str]]] = {}

    async def groups_of(self, user_id: str) -> frozenset[str]:
        groups = sorted(set(self._groups()))
        members = await asyncio.gather(*(self.members(g) for g in groups))
        return frozenset(g for g, users in zip(groups, members, strict=True) if user_id in users)

    async def members(self, group: str) -> frozenset[str]:
        cached = self._cache.get(group)
        if cached is not None and self._clock() - cached.at < self._ttl:
            return cached.users
        task = self._inflight.get(group)
        if task is None:
            task = asyncio.create_task(self._fetch(group), name=f"usergroup-{group}")
            self._inflight[group] = task
            task.add_done_callback(lambda _: self._inflight.pop(group, None))
        return await asyncio.shield(task)

    def known_users(self) -> frozenset[str]:
        """Everyone seen in a cached usergroup (App Home refreshes go to them)."""
        return frozenset(u for m in self._cache.values() for u in m.users)

    async def _fetch(self, group: str) -> frozenset[str]:
        try:
            response = await self._client.usergroups_users_list(usergroup=group)
        except SlackApiError as exc:
            if slack_error(exc) != "no_such_subteam":
                return self._stale(group, exc)
            log.warning("usergroup %s named in the policy does not exist in Slack", group)
            response_users: frozenset[str] = frozenset()
        except (SlackClientError, OSError, TimeoutError) as exc:
            return self._stale(group, exc)
        else:
            users = response.get("users")
            if not isinstance(users, list):  # ok, but no list: unknown, not empty
                return self._stale(group, DirectoryError("the answer had no member list"))
            response_users = frozenset(str(u) for u in users)
        self._cache[group] = _Members(response_users, self._clock())
        return response_users

    def _stale(self, group: str, exc: Exception) -> frozenset[str]:
        stale = self._cache.get(group)
        if stale is None or self._clock() - stale.at >= self._stale_limit:
            raise DirectoryError(f"could not read usergroup {group}: {exc}") from exc
        log.warning("usergroup %s: using the cached members (%s)", group, exc)
        return stale.users
