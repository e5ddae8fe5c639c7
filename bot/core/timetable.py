"""When scheduled work is due: the daily digest's slot and the hourly usage check's.

Pure: a plan from the settings and "now" give the slot to claim, or None. A slot is
named by the local date (and hour), so each runs once per day (hour) whichever
replica claims it, and one started late the same day still runs it (up to
``LATE_LIMIT_S`` after its time: a digest that is a day late is not posted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

LATE_LIMIT_S = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class DigestPlan:
    channel: str
    at_minute: int | None  # minutes after local midnight; None: no daily digest
    tz: ZoneInfo
    alert_factor: float | None = None  # usage-alert factor; None: no alerts

    @classmethod
    def from_settings(
        cls, channel: str | None, at: str | None, tz: str, alert: float | None
    ) -> DigestPlan | None:
        if not channel or (at is None and alert is None):
            return None
        minute = None
        if at is not None:
            hours, minutes = at.split(":")
            minute = int(hours) * 60 + int(minutes)
        return cls(channel, minute, ZoneInfo(tz), alert)

    def local(self, now: float) -> datetime:
        return datetime.fromtimestamp(now, self.tz)

    def digest_slot(self, now: float) -> str | None:
        """Today's digest slot (local date) once its time has come, within the late limit."""
        if self.at_minute is None:
            return None
        local = self.local(now)
        due = local.replace(hour=self.at_minute // 60, minute=self.at_minute % 60, second=0,
                            microsecond=0)  # fmt: skip
        late = now - due.timestamp()
        return local.date().isoformat() if 0 <= late <= LATE_LIMIT_S else None

    def check_slot(self, now: float) -> str | None:
        """The hourly usage check's slot (local date and hour)."""
        if self.alert_factor is None:
            return None
        return self.local(now).strftime("%Y-%m-%dT%H")
