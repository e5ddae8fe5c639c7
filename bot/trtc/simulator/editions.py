"""What the history APIs may show: the account's monitoring edition, and how late
their data arrive.

The edition gates DescribeRoomInfo/DescribeUserInfo/DescribeCallDetailInfo (see
``bot.editions`` for the documented facts). The lag: the docs call these APIs
historical ("只用于历史数据统计或核对数据使用,实时类关键业务逻辑不能使用" / "not
for crucial business logic") but publish no delay figure, so the simulator's
default is 0 and a lag is a knob (``SimulatorConfig.history_lag_s``): with one,
every history answer is computed "as of now − lag", so a join or leave younger
than the lag is not visible yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.editions import DEFAULT_EDITION, EDITION_CODE, GATED_ACTIONS, Edition, edition
from bot.trtc.simulator.envelope import ApiError


@dataclass(frozen=True)
class Archive:
    edition: Edition = field(default_factory=lambda: edition(DEFAULT_EDITION))
    lag_s: int = 0

    def as_of(self, now: int) -> int:
        """The latest instant the history APIs know about."""
        return now - self.lag_s

    def admit(self, action: str, start: int, now: int) -> None:
        """Refuse a gated action the edition does not include, or a start it does not keep."""
        if action not in GATED_ACTIONS:
            return
        e = self.edition
        if not e.includes_history:
            raise ApiError(
                EDITION_CODE,
                f"{action} needs a monitoring package since 2024-04-01; the {e.label} "
                "edition does not include it.",
            )
        if start < now - e.lookback_s:
            raise ApiError(
                EDITION_CODE,
                f"StartTime is older than the monitoring edition allows: {e.label} can "
                f"query the last {e.lookback_days} days.",
            )
