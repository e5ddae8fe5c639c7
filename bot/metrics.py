"""What operators watch on /metrics (Prometheus): one place that names every series.

Counters are incremented where the thing happens; nothing here does I/O.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

COMMANDS = Counter(
    "trtc_chatops_commands_total",
    "Invocations and button presses by command, decision and outcome.",
    ["command", "decision", "outcome"],
)
OPERATIONS = Counter(
    "trtc_chatops_operations_total",
    "Operations (confirmations, approvals) entering each state.",
    ["state"],
)
TRTC_CALLS = Counter(
    "trtc_chatops_trtc_calls_total",
    "TRTC API attempts by action and result code (ok, an error Code, or a transport error).",
    ["action", "code"],
)
TRTC_SECONDS = Histogram(
    "trtc_chatops_trtc_call_seconds",
    "TRTC API attempt latency by action.",
    ["action"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SLACK_CALLS = Counter(
    "trtc_chatops_slack_calls_total",
    "Slack Web API calls by method and result (ok or Slack's error code).",
    ["method", "result"],
)
CALLBACKS = Counter(
    "trtc_chatops_callbacks_total",
    "TRTC event callbacks received, by HTTP status answered.",
    ["status"],
)

TAKEOVERS = Counter(
    "trtc_chatops_takeovers_total",
    "Work a dead replica left, done here: Slack deliveries it had acknowledged, "
    "operations it was executing.",
    ["kind"],
)


def exposition() -> tuple[bytes, str]:
    """The text format body and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
