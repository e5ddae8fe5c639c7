"""Usage and cost: where the minutes went, which rooms burn them for nobody.

Reads TRTC's usage statistics (``bot.trtc.usage``) into per-day reports, finds the
day that stands out, prices minutes from the operator's table, lists idle rooms. The
chart (``bot.usage.chart``) is imported on its own: it pulls in matplotlib.
"""

from bot.usage.idle import IdleRoom, idle_rooms
from bot.usage.prices import HOW_TO, PriceError, Prices, load_prices
from bot.usage.report import TYPES, UsageReport, fetch_report
from bot.usage.verdict import Spike, find_spike, median_of, top_rooms, verdict

__all__ = [
    "HOW_TO",
    "TYPES",
    "IdleRoom",
    "PriceError",
    "Prices",
    "Spike",
    "UsageReport",
    "fetch_report",
    "find_spike",
    "idle_rooms",
    "load_prices",
    "median_of",
    "top_rooms",
    "verdict",
]
