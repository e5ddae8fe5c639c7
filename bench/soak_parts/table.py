"""The report's lines: a label, a count and the rest; counts as a short listing."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from bot.trtc.simulator import RecordedRequest


def listing(counts: Mapping[str, int]) -> str:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return " · ".join(f"{k} {n}" for k, n in ordered) or "none"


def row(label: str, n: int | str, rest: str = "") -> str:
    return f"  {label:<34}{n:>7}   {rest}".rstrip()


def sim_table(requests: list[RecordedRequest]) -> list[str]:
    by_action: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for r in requests:
        by_action[r.action][r.error_code or ("ok" if r.status == 200 else f"http {r.status}")] += 1
    lines = []
    for action, codes in sorted(by_action.items(), key=lambda kv: -sum(kv[1].values())):
        lines.append(f"    {action:<26}{sum(codes.values()):>7}   {listing(codes)}")
    return lines
