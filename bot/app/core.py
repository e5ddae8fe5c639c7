"""The core, wired from the configuration: services, grammar, registry.

Every collaborator can be passed in, so tests hand in real local servers
(the simulator, a temporary database) instead of patching anything.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from pydantic import SecretStr

from bot.core.context import Directory, Policies, Services
from bot.core.dispatcher import Core
from bot.core.grammar import Grammar
from bot.core.recording import RecordingTerms
from bot.core.spec import CommandSpec
from bot.core.timetable import DigestPlan
from bot.editions import HistoryTerms, edition
from bot.loops import every, running
from bot.settings import Settings, TrtcMode
from bot.store import Store
from bot.store.replicas import BEAT_S
from bot.trtc.client import TrtcClient
from bot.usage import load_prices
from commands import REGISTRY

log = logging.getLogger(__name__)

# The simulator's default application, used when none is configured.
SIMULATOR_APP = 1400000001
TICK_S = 1.0
SIMULATED_STORAGE: dict[str, Any] = {"CloudVod": {"TencentVod": {}}}


def create_core(
    settings: Settings,
    *,
    trtc: TrtcClient,
    store: Store,
    policies: Callable[[], Policies],
    directory: Directory,
    mode: TrtcMode,
    clock: Callable[[], float] = time.time,
    registry: Sequence[CommandSpec] = REGISTRY,
    history: HistoryTerms | None = None,
    sdk_secret: str | None = None,
    people: Mapping[str, str] | None = None,
) -> Core:
    """``history``: the monitoring edition and lag the bot should assume (default: what
    the settings say); ``people``: names the grammar reads as a person (personas);
    ``sdk_secret``: what robots' UserSigs are signed with (default: TRTC_SDK_SECRET_KEY)."""
    default_app = settings.trtc_sdk_app_id
    if default_app is None and mode is TrtcMode.SIMULATOR:
        default_app = SIMULATOR_APP
    services = Services(
        trtc=trtc,
        store=store,
        policies=policies,
        directory=directory,
        grammar=Grammar(
            registry,
            apps=settings.trtc_chatops_apps,
            default_app=default_app,
            site=settings.site,
            people=dict(people or {}),
        ),
        registry=registry,
        clock=clock,
        mode=mode,
        confirm_ttl_s=settings.trtc_chatops_confirm_ttl_s,
        approval_ttl_s=settings.trtc_chatops_approval_ttl_s,
        watch_ttl_s=settings.trtc_chatops_watch_ttl_s,
        approvals_channel=settings.trtc_chatops_approvals_channel,
        escalation_usergroup=settings.trtc_chatops_escalation_usergroup,
        reminder_max_people=settings.trtc_chatops_reminder_max_people,
        history=history or history_terms(settings),
        prices=load_prices(settings.trtc_chatops_prices) if settings.trtc_chatops_prices else None,
        digest=DigestPlan.from_settings(
            settings.trtc_chatops_digest_channel,
            settings.trtc_chatops_digest_at,
            settings.trtc_chatops_digest_tz,
            settings.trtc_chatops_usage_alert,
        ),
        recording=recording_terms(settings, mode, sdk_secret),
        sdk_secret=SecretStr(sdk_secret) if sdk_secret else settings.trtc_sdk_secret_key,
        relay_templates=settings.relay_templates,
        rejoins_seen=callbacks_configured(settings, mode),
    )
    return Core(services)


def recording_terms(
    settings: Settings, mode: TrtcMode, sdk_secret: str | None
) -> RecordingTerms | None:
    """What `record` needs; None (it says what to set) without storage or SDK secret. The
    simulator without TRTC_CHATOPS_RECORDING_STORAGE rehearses with VOD storage."""
    storage = settings.recording_storage
    simulated = storage is None and mode is TrtcMode.SIMULATOR
    if simulated:
        storage = dict(SIMULATED_STORAGE)
    if storage is None or not sdk_secret:
        return None
    robot = settings.trtc_chatops_recorder_user
    return RecordingTerms(storage, robot, sdk_secret, simulated_default=simulated)


def callbacks_configured(settings: Settings, mode: TrtcMode) -> bool:
    """Do TRTC's room events reach the bot? With a callback key, or from the simulator."""
    key = settings.trtc_callback_key
    return mode is TrtcMode.SIMULATOR or bool(key and key.get_secret_value())


def history_terms(settings: Settings, simulated: HistoryTerms | None = None) -> HistoryTerms:
    """The configured edition and lag; where unset, the embedded simulator's (``simulated``)."""
    name = settings.trtc_chatops_monitoring_edition
    lag = settings.trtc_chatops_history_lag_s
    fallback = simulated or HistoryTerms()
    return HistoryTerms(
        edition=edition(name) if name else fallback.edition,
        lag_s=fallback.lag_s if lag is None else lag,
    )


@asynccontextmanager
async def background(
    core: Core, interval: float = TICK_S, *, beat_every: float = BEAT_S
) -> AsyncIterator[Core]:
    """The core's heartbeat and its tick (expiry, recovery, timed mutes) for as long as the
    block runs, each in a task of its own: however long a round of the tick takes (a slow
    TRTC call), the beat goes on. On the way out this replica signs off, so others take
    over what is left at once."""
    try:
        async with (
            running(every(beat_every, core.beat, "heartbeat"), "trtc-chatops-heartbeat"),
            running(every(interval, core.tick, "tick"), "trtc-chatops-tick"),
        ):
            yield core
    finally:
        try:
            await core.services.store.replicas.leave(core.services.instance)
        except Exception:
            log.exception("could not sign off from the replicas table")
