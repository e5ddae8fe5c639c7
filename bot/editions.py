"""TRTC's monitoring packages ("editions"): which history APIs they unlock, how far back.

Since 2024-04-01 DescribeRoomInfo, DescribeUserInfo and DescribeCallDetailInfo are
paid: the mainland page of DescribeRoomInfo (cloud.tencent.com/document/api/647/77745)
unlocks them with a monthly TRTC package 尊享版 (last 7 days) or 旗舰版 (14 days), or a
monitoring-dashboard package 基础版 (7 days) or 进阶版 (14 days); the international
pages of DescribeUserInfo and DescribeCallDetailInfo (tencentcloud.com/document/api/647/
39096, /55013) ask for the dashboard's "Standard" edition. The dashboard APIs' pages
pair the names (基础版 = Standard, 进阶版 = Premium: both sites give them the same 3 h /
12 h real-time windows) and say the Free edition (免费版) cannot call them. A start
older than the edition allows is ``InvalidParameter.StartTimeOversize``.

The mainland DescribeUserEvent and DescribeScaleInfo pages carry no such note, and
their error lists have no StartTimeOversize: they are not gated here.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY_S = 86400
GATED_ACTIONS = frozenset({"DescribeRoomInfo", "DescribeUserInfo", "DescribeCallDetailInfo"})
# The documented code for "older than your edition keeps". What TRTC answers an account
# with no package at all is not documented: UNCONFIRMED, the same code is assumed
# (nothing is allowed, so every start is too old).
EDITION_CODE = "InvalidParameter.StartTimeOversize"


@dataclass(frozen=True)
class Edition:
    """One package; ``lookback_days`` 0 means the gated APIs are not included."""

    name: str
    label: str
    lookback_days: int

    @property
    def includes_history(self) -> bool:
        return self.lookback_days > 0

    @property
    def lookback_s(self) -> int:
        return self.lookback_days * DAY_S


EDITIONS: dict[str, Edition] = {
    e.name: e
    for e in (
        Edition("free", "Free (免费版)", 0),
        Edition("basic", "Basic/Standard (基础版)", 7),
        Edition("advanced", "Advanced/Premium (进阶版)", 14),
        # The monthly TRTC packages; their English names are UNCONFIRMED.
        Edition("exclusive", "monthly package Exclusive (尊享版)", 7),
        Edition("flagship", "monthly package Flagship (旗舰版)", 14),
    )
}
ALIASES = {"none": "free", "standard": "basic", "premium": "advanced"}
DEFAULT_EDITION = "advanced"  # every gated API, as far back as history goes (14 days)


def edition(name: str) -> Edition:
    """The edition called ``name`` (an alias such as "standard" or "premium" too)."""
    key = name.strip().lower()
    found = EDITIONS.get(ALIASES.get(key, key))
    if found is None:
        names = ", ".join([*EDITIONS, *ALIASES])
        raise ValueError(f"unknown monitoring edition {name!r}; use one of {names}")
    return found


@dataclass(frozen=True)
class HistoryTerms:
    """What the bot knows of the account's history APIs: its edition (None: not
    configured) and how late their data may arrive (0: not known to lag)."""

    edition: Edition | None = None
    lag_s: int = 0
