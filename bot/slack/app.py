"""The Slack app, wired once: Bolt and the adapter (what it keeps is in the store).

Every collaborator can be passed in (the Web API client, clocks, pacing), so
tests point it at a local fake of Slack instead of patching anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.authz.policyfile import Attachments
from bot.core.dispatcher import Core
from bot.pacing import Pace
from bot.settings import Settings
from bot.slack import listeners
from bot.slack.adapter import SlackAdapter
from bot.slack.directory import SlackDirectory
from bot.slack.home import VIEWS_PACE, AppHome
from bot.slack.names import Names
from bot.slack.outbox import Outbox, web_client


@dataclass
class SlackBot:
    app: AsyncApp
    adapter: SlackAdapter
    outbox: Outbox
    directory: SlackDirectory
    # Over HTTP, a slash command is verified and acknowledged without Bolt (listeners.py);
    # None without a signing secret (Socket Mode): everything goes through Bolt.
    verifier: SignatureVerifier | None = None
    acknowledge: listeners.Acknowledge | None = None


def create_slack_app(
    settings: Settings,
    core: Core,
    *,
    attachments: Callable[[], Attachments],
    client: AsyncWebClient | None = None,
    directory: SlackDirectory | None = None,
    clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic,
    posts_per_second: float = 1.0,
    burst: int = 1,
    usergroup_ttl_s: float = 300.0,
    progress_interval: float = 2.0,
) -> SlackBot:
    """``attachments`` is the policy in force's ``attach`` section (usergroups, channels)."""
    if client is None:
        if settings.slack_bot_token is None:
            raise ValueError("SLACK_BOT_TOKEN is needed to talk to Slack")
        client = web_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    secret = settings.slack_signing_secret
    app = AsyncApp(
        client=client,
        # Socket Mode traffic is not signed; over HTTP an empty secret rejects everything.
        signing_secret=secret.get_secret_value() if secret else "",
        # Listeners only ack and spawn (see listeners.py): answer when they return.
        process_before_response=True,
    )
    # One pace per channel for every replica on the database, as Slack counts it.
    pace = Pace(posts_per_second, burst)
    outbox = Outbox(client, pacer=core.services.store.pacer(pace, prefix="slack"))
    if directory is None:  # share one with the core (``can``) to share its cache
        directory = SlackDirectory(
            client, lambda: attachments().usergroups, ttl_s=usergroup_ttl_s, clock=monotonic
        )
    names = Names(outbox, clock=monotonic)  # one cache of display names for all
    views = core.services.store.pacer(VIEWS_PACE, prefix="slack")  # one limit per workspace
    home = AppHome(core, outbox, directory, attachments, names, pacer=views)
    adapter = SlackAdapter(
        core,
        outbox,
        core.services.store.messages,
        directory,
        home,
        approvals_channel=settings.trtc_chatops_approvals_channel,
        clock=clock,
        monotonic=monotonic,
        progress_interval=progress_interval,
        names=names,
    )
    core.listeners.append(adapter.on_notice)
    acknowledge = listeners.register(app, adapter, core.services.store.deliveries, clock)
    verifier = SignatureVerifier(secret.get_secret_value()) if secret else None
    return SlackBot(app, adapter, outbox, directory, verifier, acknowledge)
