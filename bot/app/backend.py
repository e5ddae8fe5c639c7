"""Choose what TRTC is: Tencent Cloud with the configured credentials, or the
embedded simulator when there are none (a newcomer's first run needs nothing)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.editions import HistoryTerms
from bot.pacing import Pacer
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.trtc.client import TrtcClient
from bot.trtc.pacer import ActionPacer
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from bot.trtc.transport import trtc_pace


@dataclass(frozen=True, slots=True)
class Backend:
    client: TrtcClient
    mode: TrtcMode
    endpoint: str
    # The embedded simulator, when it stands in for TRTC (its callbacks can be awaited).
    simulator: RunningSimulator | None = None
    # The application's SDK secret (robots' UserSig); the simulator's own when None.
    sdk_secret: str | None = None

    @property
    def robot_secret(self) -> str | None:
        """The SDK secret recording robots sign with: configured, or the simulator's."""
        if self.sdk_secret is not None:
            return self.sdk_secret
        return self.simulator.simulator.config.sdk_secret if self.simulator else None

    @property
    def history(self) -> HistoryTerms | None:
        """The simulator's monitoring edition and lag (None on Tencent Cloud: unknown)."""
        if self.simulator is None:
            return None
        archive = self.simulator.simulator.world.archive
        return HistoryTerms(archive.edition, archive.lag_s)

    @property
    def label(self) -> str:
        """Shown on every reply, so nobody mistakes a rehearsal for production."""
        return "SIMULATOR" if self.mode is TrtcMode.SIMULATOR else "TENCENT CLOUD"


def trtc_pacer(settings: Settings, store: Store) -> Pacer:
    """``TRTC_RATE_LIMIT`` for the whole fleet: every replica on this database
    paces on the same counters (``TRTC_RATE_LIMIT_SCOPE``); an action TRTC documents
    slower (usage: 5/s) also on its own shared counter."""

    def make(rate: float, action: str) -> Pacer:
        prefix = f"trtc@{action}" if action else "trtc"
        return store.pacer(trtc_pace(rate, shared=True), prefix=prefix)

    return ActionPacer(settings.trtc_rate_limit, make)


@asynccontextmanager
async def open_backend(
    settings: Settings,
    *,
    seed: int = 0,
    callback_url: str | None = None,
    callback_key: str | None = None,
    pacer: Pacer | None = None,
) -> AsyncIterator[Backend]:
    """``callback_url``/``callback_key``: where the embedded simulator sends its event
    callbacks (Tencent Cloud's are configured in the TRTC console instead)."""
    if settings.trtc_mode is TrtcMode.REAL:
        configured = settings.trtc_sdk_secret_key
        secret = configured.get_secret_value() if configured else None
        async with TrtcClient.from_settings(settings, pacer=pacer) as client:
            yield Backend(client, TrtcMode.REAL, settings.trtc_endpoint, sdk_secret=secret)
        return
    # Fresh throw-away credentials: the embedded simulator still verifies every
    # signature, so the same code path runs as against Tencent Cloud.
    secret_id, secret_key = "AKIDsim" + secrets.token_hex(12), secrets.token_hex(16)
    # The SDK secret too: the bot signs its recorder's UserSig, the simulator verifies it.
    sdk_secret = secrets.token_hex(16)
    config = SimulatorConfig(
        secret_id=secret_id,
        secret_key=secret_key,
        seed=seed,
        # The site the bot was configured for (Settings.site: None when nothing says,
        # then the simulator answers as both sites), counted as the client paces.
        site=settings.site,
        rate_limit_scope=settings.trtc_rate_limit_scope,
        callback_url=callback_url,
        callback_key=callback_key,
        # The rehearsal matches what the bot is told of the account's history.
        edition=settings.trtc_chatops_monitoring_edition,
        history_lag_s=settings.trtc_chatops_history_lag_s,
        sdk_secret=sdk_secret,
    )
    async with serve_simulator(config, host="127.0.0.1", port=0) as running:
        client = TrtcClient.from_settings(
            settings,
            endpoint=running.url,
            secret_id=secret_id,
            secret_key=secret_key,
            pacer=pacer,
        )
        async with client:
            yield Backend(client, TrtcMode.SIMULATOR, running.url, running, sdk_secret)
