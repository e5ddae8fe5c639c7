"""Slack mode: the bot from ``open_bot``, the Bolt app over it, HTTP or Socket Mode.

Unlike the console, Slack mode never falls back to the bundled sample policy.
No policy file, or a broken one, and the bot does not start (fail closed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from contextlib import AbstractAsyncContextManager

import aiohttp

from bot import runtime
from bot.app.root import open_bot
from bot.authz import PolicyReloader
from bot.callbacks import CallbackService
from bot.loops import running
from bot.settings import Settings, SlackMode
from bot.slack.app import SlackBot, create_slack_app
from bot.slack.directory import SlackDirectory
from bot.slack.inbox import adopt_forever
from bot.slack.outbox import web_client
from bot.slack.server import serve_http, socket_mode

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 20.0  # under the 30 s most platforms wait before SIGKILL
HTTP_HOST = "0.0.0.0"  # noqa: S104 - Slack must reach the HTTP endpoint


class StartupError(RuntimeError):
    """The configuration cannot start the Slack adapter; the message says which variable."""


def policy_reloader(settings: Settings) -> PolicyReloader:
    """The policy in force; raises StartupError or PolicyError rather than run without one."""
    if settings.trtc_chatops_policy_file is None:
        raise StartupError(
            "TRTC_CHATOPS_POLICY_FILE is not set: Slack mode needs a policy file "
            "(the bundled sample is for the console only); not starting"
        )
    path = settings.trtc_chatops_policy_file
    if not path.is_file():
        raise StartupError(
            f"TRTC_CHATOPS_POLICY_FILE is {str(path)!r}, which is not a readable file; not starting"
        )
    return PolicyReloader(path)  # broken → PolicyError


def _watching(reloader: PolicyReloader) -> AbstractAsyncContextManager[None]:
    reloader.install_sighup()
    return running(reloader.watch(), "policy-watch")


def _adopting(bot: SlackBot) -> AbstractAsyncContextManager[None]:
    """Do what a replica that died had acknowledged (see ``bot.slack.inbox``)."""
    deliveries = bot.adapter.core.services.store.deliveries
    return running(adopt_forever(bot.adapter, deliveries, time.time), "slack-inbox")


async def run_slack(settings: Settings) -> None:
    reloader = policy_reloader(settings)
    token = settings.slack_bot_token
    if token is None:
        raise StartupError("SLACK_BOT_TOKEN is not set; not starting")
    policy = reloader  # read at every use: a reload takes effect at once
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(aiohttp.ClientSession())
        client = web_client(token.get_secret_value(), settings.slack_api_url, session=http)
        directory = SlackDirectory(client, lambda: policy.current.policy_file.attach.usergroups)
        # In HTTP mode the embedded simulator's callbacks come to our own server's
        # /trtc/callback; in Socket Mode, to a receiver on a loopback port.
        own_url = None
        if settings.slack_mode is SlackMode.HTTP:
            own_url = f"http://127.0.0.1:{settings.port}/trtc/callback"
        bot = await stack.enter_async_context(
            open_bot(
                settings,
                policies=lambda: policy.current,
                directory=directory,
                callback_url=own_url,
            )
        )
        await stack.enter_async_context(_watching(reloader))
        slack = create_slack_app(
            settings,
            bot.core,
            attachments=lambda: policy.current.policy_file.attach,
            client=client,
            directory=directory,
        )
        print(
            f"trtc-chatops: Slack {settings.slack_mode.value} mode · TRTC: {bot.backend.label} "
            f"· policy: {reloader.path}"
        )
        runtime.settle()
        async with bot.running(), _adopting(slack):
            await _serve(settings, slack, bot.callbacks)


async def _serve(settings: Settings, bot: SlackBot, callbacks: CallbackService) -> None:
    stop = _stop_on_signals()
    if settings.slack_mode is SlackMode.SOCKET:
        assert settings.slack_app_token is not None
        async with contextlib.AsyncExitStack() as stack:
            if settings.port is not None:  # the platform's health checks and scrapes
                url = await stack.enter_async_context(
                    serve_http(
                        bot,
                        host=HTTP_HOST,
                        port=settings.port,
                        mount=callbacks.add_routes,
                        slack_events=False,
                    )
                )
                print(f"Health on {url}/healthz, readiness /readyz, metrics /metrics.")
            await stack.enter_async_context(
                socket_mode(bot, settings.slack_app_token.get_secret_value())
            )
            print("Connected to Slack over Socket Mode.")
            await stop.wait()
    else:
        assert settings.port is not None
        mount = callbacks.add_routes
        async with serve_http(bot, host=HTTP_HOST, port=settings.port, mount=mount) as url:
            print(f"Listening on {url}/slack/events (health: {url}/healthz).")
            await stop.wait()
    # No new work is taken now; what was acknowledged gets a bounded time to finish.
    print(f"Stopping: finishing work in flight (at most {SHUTDOWN_GRACE_S:g} s).")
    try:
        await asyncio.wait_for(bot.adapter.drain(), SHUTDOWN_GRACE_S)
    except TimeoutError:
        log.warning("work still in flight after %ss; stopping anyway", SHUTDOWN_GRACE_S)


def _stop_on_signals() -> asyncio.Event:
    """SIGTERM (a deploy) and SIGINT set the event instead of killing the loop mid-work."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    return stop
