"""What counts as good and as poor, per metric: the TRTC console's lines by default.

From the console (Monitoring Dashboard → call details; reference/trtc-console-quality.md):

* packet loss: below 2 % is good, above 5 % is poor (above 10 % is serious congestion);
* system CPU: below 50 % is normal, above 85 % is red.

Our own choices, where the console gives none:

* **RTT** (SDK ↔ cloud) is good below 150 ms and poor above 300 ms. The console charts
  RTT without colours; ITU-T G.114 puts a comfortable one-way delay at 150 ms, and a
  300 ms round trip to the cloud spends all of it before the other side's leg.
* A **bad interval** is a run of samples over "poor" lasting at least 30 s (15 of
  TRTC's 2-s samples); shorter spikes are what every network does now and then.
* **Grades**: *bad* = a bad interval in any graded metric, or an abnormal exit (TRTC's
  connection timeout); *degraded* = no bad interval, but over "poor" in at least 5 % of
  the samples (the p95 is poor), a loss or RTT median above "good", or a device error;
  *good* otherwise. CPU is not graded on its 50 % line: phones run at 50–85 % system
  CPU routinely, so only the red line counts.
* Loss values are read as **percent, 0–100**. TRTC does not state aLoss/bigvLoss's unit
  (the console shows %; the simulator uses percent).
* App CPU is shown beside system CPU but never graded: system CPU includes it.
* **Downstream loss** at an instant is the mean over the peers the user receives, so
  one lossy sender shows up as that sender's upstream loss, not as everyone's downlink.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Family(StrEnum):
    LOSS = "loss"
    RTT = "rtt"
    CPU = "cpu"


class Metric(StrEnum):
    """One analysed series per user; upstream and downstream loss are separate."""

    AUDIO_LOSS_UP = "audio_loss_up"
    AUDIO_LOSS_DOWN = "audio_loss_down"
    VIDEO_LOSS_UP = "video_loss_up"
    VIDEO_LOSS_DOWN = "video_loss_down"
    RTT = "rtt"
    CPU = "cpu"
    APP_CPU = "app_cpu"

    @property
    def family(self) -> Family:
        if self is Metric.RTT:
            return Family.RTT
        if self in (Metric.CPU, Metric.APP_CPU):
            return Family.CPU
        return Family.LOSS

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def upstream(self) -> bool:
        return self not in (Metric.AUDIO_LOSS_DOWN, Metric.VIDEO_LOSS_DOWN)

    def show(self, value: float) -> str:
        """``18%``, ``0.4%``, ``320 ms``."""
        if self is Metric.RTT:
            return f"{value:.0f} ms"
        if self.family is Family.LOSS and value < 9.95:
            return f"{value:.1f}%".replace(".0%", "%")
        return f"{value:.0f}%"


_LABELS = {
    Metric.AUDIO_LOSS_UP: "upstream audio loss",
    Metric.AUDIO_LOSS_DOWN: "downstream audio loss",
    Metric.VIDEO_LOSS_UP: "upstream video loss",
    Metric.VIDEO_LOSS_DOWN: "downstream video loss",
    Metric.RTT: "round-trip time",
    Metric.CPU: "system CPU",
    Metric.APP_CPU: "app CPU",
}

# DescribeCallDetailInfo DataTypes that feed the analysis, and where each series goes:
# (DataType, upstream?) → metric. Nothing else is requested: every extra type costs
# one more series per user and per peer in every response.
DATA_TYPES: tuple[str, ...] = ("aLoss", "bigvLoss", "rtt", "sysCpu", "appCpu")
METRIC_OF: dict[tuple[str, bool], Metric] = {
    ("aLoss", True): Metric.AUDIO_LOSS_UP,
    ("aLoss", False): Metric.AUDIO_LOSS_DOWN,
    ("bigvLoss", True): Metric.VIDEO_LOSS_UP,
    ("bigvLoss", False): Metric.VIDEO_LOSS_DOWN,
    ("rtt", True): Metric.RTT,
    ("sysCpu", True): Metric.CPU,
    ("appCpu", True): Metric.APP_CPU,
}


@dataclass(frozen=True, slots=True)
class Limits:
    """``good`` and ``poor`` lines of one metric; ``median_counts``: a median above
    ``good`` makes a user degraded."""

    good: float
    poor: float
    median_counts: bool = True


_LOSS = Limits(good=2.0, poor=5.0)


@dataclass(frozen=True, slots=True)
class Thresholds:
    limits: Mapping[Metric, Limits] = field(
        default_factory=lambda: {
            Metric.AUDIO_LOSS_UP: _LOSS,
            Metric.AUDIO_LOSS_DOWN: _LOSS,
            Metric.VIDEO_LOSS_UP: _LOSS,
            Metric.VIDEO_LOSS_DOWN: _LOSS,
            Metric.RTT: Limits(good=150.0, poor=300.0),
            Metric.CPU: Limits(good=50.0, poor=85.0, median_counts=False),
        }
    )
    min_bad_s: int = 30  # a run over "poor" this long is a bad interval
    degraded_share: float = 0.05  # over "poor" this often (p95 poor) is degraded
    serious_loss: float = 10.0  # the console's "serious congestion"

    def of(self, metric: Metric) -> Limits | None:
        """None: shown, never graded (app CPU)."""
        return self.limits.get(metric)


DEFAULT_THRESHOLDS = Thresholds()
