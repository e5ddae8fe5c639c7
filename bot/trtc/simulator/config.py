"""The simulator's knobs. Plain strings for the key: this is test and rehearsal config."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.editions import DEFAULT_EDITION, edition
from bot.settings import RateLimitScope, Site
from bot.trtc.simulator.editions import Archive
from bot.trtc.simulator.lost import LostAnswers
from bot.trtc.simulator.scenario import Scenario


@dataclass(frozen=True)
class SimulatorConfig:
    """How the simulator authenticates, paces and fails.

    ``error_rate`` is the fraction of otherwise valid requests answered
    InternalError (drawn from an RNG seeded by ``seed``); ``rate_limit`` is
    requests per second over a sliding 1-s window (None: off), counted per
    ``rate_limit_scope`` (each action by default; the docs do not say, see transport.rate_key);
    ``site``: the TRTC site the simulator answers as (its actions, regions and metrics,
    bot/trtc/sites.py); None, the default, answers as both sites together, as the simulator
    always did, so every command and metric can be rehearsed;
    ``clock`` gives "now" for the skew check, history and the world;
    ``callback_url``/``callback_key``: where the simulator POSTs its signed event callbacks;
    ``edition``: the monitoring package (``bot.editions``; None: the scenario's, else
    the generous default); ``history_lag_s``: how late history data arrive (None: the
    scenario's, else 0).
    """

    secret_id: str
    secret_key: str = field(repr=False)
    token: str | None = field(default=None, repr=False)
    seed: int = 0
    latency_ms: float = 0.0
    error_rate: float = 0.0
    rate_limit: int | None = 20
    rate_limit_scope: RateLimitScope = RateLimitScope.ACTION
    site: Site | None = None
    scenario: Scenario | None = None
    clock: Callable[[], float] = time.time
    max_skew_s: float = 300
    callback_url: str | None = None
    callback_key: str | None = field(default=None, repr=False)
    # Writes applied and then answered badly (see lost.py); a "timeout" holds the answer
    # this long, past any sensible client timeout.
    lost_answers: LostAnswers = field(default_factory=LostAnswers)
    lost_answer_hold_s: float = 30.0
    edition: str | None = None
    history_lag_s: float | None = None
    # The application's SDK secret: robots' UserSigs (StartStreamIngest) must verify
    # against it. A throw-away default; the embedded simulator is given a fresh one.
    sdk_secret: str = field(default="simulator-sdk-secret", repr=False)

    def __post_init__(self) -> None:
        if not self.secret_id or not self.secret_key:
            raise ValueError("the simulator needs a secret id and a secret key to verify against")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError(f"error_rate must be within [0, 1], got {self.error_rate}")
        if self.latency_ms < 0:
            raise ValueError(f"latency_ms must not be negative, got {self.latency_ms}")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError(
                f"rate_limit must be at least 1 (or None for off), got {self.rate_limit}"
            )
        if self.max_skew_s <= 0:
            raise ValueError(f"max_skew_s must be positive, got {self.max_skew_s}")
        if self.edition is not None:
            edition(self.edition)  # a bad name fails here, not on the first history call
        if self.history_lag_s is not None and not self.history_lag_s >= 0:
            raise ValueError(f"history_lag_s must not be negative, got {self.history_lag_s}")

    def archive(self) -> Archive:
        """The edition and lag in force: this config's, else the scenario's, else defaults."""
        scenario = self.scenario
        name = self.edition or (scenario.edition if scenario else None) or DEFAULT_EDITION
        lag = self.history_lag_s
        if lag is None:
            lag = scenario.history_lag_s if scenario and scenario.history_lag_s else 0.0
        return Archive(edition(name), math.ceil(lag))
