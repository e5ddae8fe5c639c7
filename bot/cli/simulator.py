"""`trtc-chatops simulator`: the embedded TRTC simulator on its own, on 127.0.0.1."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import signal
import ssl
import string
import sys
from typing import Any

from pydantic import SecretStr

from bot.editions import ALIASES, DEFAULT_EDITION, EDITIONS, edition
from bot.settings import RateLimitScope, SettingsError, Site, load_settings
from bot.trtc.simulator import ScenarioError, SimulatorConfig, load_scenario, serve_simulator
from bot.trtc.simulator.lost import LostAnswers
from bot.trtc.simulator.world import World

HOST = "127.0.0.1"
_ALNUM = string.ascii_letters + string.digits


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulator",
        help="run the embedded TRTC simulator on 127.0.0.1",
        description="Serve a local, signature-verifying stand-in for the TRTC server API "
        "(version 2019-07-22) on 127.0.0.1 and print the URL to use as TRTC_ENDPOINT. "
        "Credentials: --secret-id/--secret-key, else TENCENTCLOUD_SECRET_ID/"
        "TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_TOKEN) from the environment, else a new "
        "pair is generated and printed.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: 0, any free port)")
    parser.add_argument("--secret-id", help="SecretId requests must be signed with")
    parser.add_argument("--secret-key", help="SecretKey requests must be signed with")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay every answer by N ms (default 0)"
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=20,
        help="requests per second per action before RequestLimitExceeded (default 20; 0 = off)",
    )
    parser.add_argument(
        "--rate-limit-scope",
        type=RateLimitScope,
        choices=list(RateLimitScope),
        default=RateLimitScope.ACTION,
        help="what one rate-limit window counts: each action (default; TRTC's docs do not "
        "say), each action per SdkAppId, or every action of the account together",
    )
    parser.add_argument(
        "--site",
        type=Site,
        choices=list(Site),
        default=None,
        help="answer as this TRTC site: mainland (no SetUserBlocked; regions ap-beijing, "
        "ap-guangzhou) or intl (no rtt/aCapEnergy/aPlayEnergy/bigvRecFps metrics); "
        "default: both sites together",
    )
    parser.add_argument(
        "--error-rate",
        type=_fraction,
        default=0.0,
        metavar="FRACTION",
        help="answer this fraction of valid requests InternalError, 0 to 1 (default 0)",
    )
    parser.add_argument(
        "--lost-answers",
        type=_lost_answers,
        default=LostAnswers(),
        metavar="HOW=RATE,…",
        help="apply this fraction of writes, then lose the answer: drop (connection closed), "
        "timeout (answered too late), internal_error; e.g. drop=0.01,internal_error=0.02",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the simulated world")
    parser.add_argument(
        "--edition",
        type=_edition,
        metavar="NAME",
        help="the account's TRTC monitoring package, which gates DescribeRoomInfo/UserInfo/"
        f"CallDetailInfo and their lookback: {', '.join([*EDITIONS, *ALIASES])} "
        f"(default: the scenario's, else {DEFAULT_EDITION})",
    )
    parser.add_argument(
        "--history-lag",
        type=float,
        metavar="SECONDS",
        help="history APIs show joins and leaves this late (default: the scenario's, else 0)",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: it costs about a third of the CPU under load)",
    )
    parser.add_argument("--scenario", metavar="FILE", help="YAML/JSON scenario file")
    parser.add_argument(
        "--callback-url",
        metavar="URL",
        help="POST TRTC room event callbacks (joins, leaves, kicks, dismissals) to URL, "
        "as TRTC does, e.g. http://127.0.0.1:8080/trtc/callback",
    )
    parser.add_argument(
        "--callback-key",
        metavar="K",
        help="the callback key: each callback carries Sign = Base64(HMAC-SHA256(K, body)); "
        "without it no Sign header is sent",
    )
    parser.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate")
    parser.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
    parser.set_defaults(handler=run)


def _lost_answers(text: str) -> LostAnswers:
    try:
        return LostAnswers.parse(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _edition(text: str) -> str:
    try:
        return edition(text).name
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} is not a fraction between 0 and 1")
    return value


def _credentials(args: argparse.Namespace) -> tuple[str, str, str | None, str] | None:
    """(secret id, secret key, token, where they came from); None if half given."""
    if args.secret_id or args.secret_key:
        if not (args.secret_id and args.secret_key):
            return None
        return args.secret_id, args.secret_key, None, "the command line"
    settings = load_settings()  # the one reader of the environment
    env_id = _plain(settings.tencentcloud_secret_id)
    env_key = _plain(settings.tencentcloud_secret_key)
    if env_id and env_key:
        token = _plain(settings.tencentcloud_token) or None
        return env_id, env_key, token, "TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY"
    secret_id = "AKID" + "".join(secrets.choice(_ALNUM) for _ in range(32))
    secret_key = "".join(secrets.choice(_ALNUM) for _ in range(32))
    return secret_id, secret_key, None, "generated"


def _plain(secret: SecretStr | None) -> str:
    return secret.get_secret_value().strip() if secret is not None else ""


def run(args: argparse.Namespace) -> int:
    try:
        creds = _credentials(args)
    except SettingsError as err:
        print(err, file=sys.stderr)
        return 2
    if creds is None:
        print("simulator: give both --secret-id and --secret-key, or neither", file=sys.stderr)
        return 2
    if args.rate_limit < 0 or args.latency_ms < 0 or (args.history_lag or 0) < 0:
        print(
            "simulator: --rate-limit, --latency-ms and --history-lag must not be negative",
            file=sys.stderr,
        )
        return 2
    try:
        scenario = load_scenario(args.scenario) if args.scenario else None
    except ScenarioError as err:
        print(f"simulator: {err}", file=sys.stderr)
        return 2
    if args.callback_url and not args.callback_url.startswith(("http://", "https://")):
        print("simulator: --callback-url must be an http:// or https:// URL", file=sys.stderr)
        return 2
    if args.callback_key and not args.callback_url:
        print("simulator: --callback-key needs --callback-url", file=sys.stderr)
        return 2
    tls = _tls(args.tls_cert, args.tls_key)
    if isinstance(tls, str):
        print(f"simulator: {tls}", file=sys.stderr)
        return 2
    secret_id, secret_key, token, source = creds
    config = SimulatorConfig(
        secret_id=secret_id,
        secret_key=secret_key,
        token=token,
        seed=args.seed,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        lost_answers=args.lost_answers,
        rate_limit=args.rate_limit or None,
        rate_limit_scope=args.rate_limit_scope,
        site=args.site,
        scenario=scenario,
        callback_url=args.callback_url,
        callback_key=args.callback_key,
        edition=args.edition,
        history_lag_s=args.history_lag,
    )
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        asyncio.run(_serve(config, args.port, source, access_log=args.access_log, tls=tls))
    except OSError as err:
        print(f"simulator: cannot listen on {HOST}:{args.port}: {err.strerror}", file=sys.stderr)
        return 1
    return 0


def _tls(cert: str | None, key: str | None) -> ssl.SSLContext | str | None:
    """An HTTPS context from --tls-cert/--tls-key; a sentence saying what is wrong."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        return "--tls-cert and --tls-key go together"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as err:
        return f"cannot use {cert} / {key} for TLS: {err}"
    return context


async def _serve(
    config: SimulatorConfig,
    port: int,
    source: str,
    *,
    access_log: bool,
    tls: ssl.SSLContext | None = None,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serve_simulator(
        config, host=HOST, port=port, access_log=access_log, ssl_context=tls
    ) as running:
        print(f"TRTC simulator listening on {running.url}", flush=True)
        print(f"TRTC_ENDPOINT={running.url}", flush=True)
        if config.site is not None:  # a URL does not say the site: the bot needs telling
            print(f"TRTC_SITE={config.site.value}", flush=True)
        if config.rate_limit_scope is not RateLimitScope.ACTION:
            print(f"TRTC_RATE_LIMIT_SCOPE={config.rate_limit_scope.value}", flush=True)
        if source == "generated":
            # The one place a secret is printed: a new pair was asked for, by not giving one.
            print(f"TENCENTCLOUD_SECRET_ID={config.secret_id}", flush=True)
            print(f"TENCENTCLOUD_SECRET_KEY={config.secret_key}", flush=True)
        else:
            print(
                f"Verifying signatures of SecretId {config.secret_id} (from {source})", flush=True
            )
        if config.callback_url:
            signed = "signed" if config.callback_key else "UNSIGNED (no --callback-key)"
            print(f"Sending {signed} event callbacks to {config.callback_url}", flush=True)
        archive = running.simulator.world.archive
        print(
            f"Monitoring edition {archive.edition.label}; history lags by {archive.lag_s} s",
            flush=True,
        )
        _describe(running.simulator.world)
        print("Press Ctrl-C to stop.", flush=True)
        await stop.wait()


def _describe(world: World) -> None:
    for app in sorted(world.apps):
        live = world.live_rooms(app)
        shown = ", ".join(
            f"{c.room_id if c.numeric else repr(c.room_id)} ({len(c.present_user_ids())} users)"
            for c in live[:4]
        )
        more = f" and {len(live) - 4} more" if len(live) > 4 else ""
        print(f"SdkAppId {app}: {len(live)} live rooms: {shown}{more}", flush=True)
