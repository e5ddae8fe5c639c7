"""The interpreter tuned for a long-lived asyncio server once start-up is done.

What start-up builds (modules, mappers, the Slack and TRTC clients, the policy) lives
as long as the process. Left in the collector's oldest generation, every full
collection walks all of it: ~130 ms here, landing on whichever request happens to
allocate next (bench/ack_latency.py caught one in the middle of a burst of Slack
acks), and ~12 % of a large ``quality`` command's CPU (bench/quality.py).
``gc.freeze`` moves it to a generation the collector never visits.

Large TRTC answers are decoded in a worker thread. When the event loop wants the GIL
back (a paced request due, a socket to read), it waits the switch interval: 5 ms by
default, longer than the 2.5 ms of headroom between paced TRTC requests, so each paced
request left late (bench/quality.py: 55 ms apart instead of 52.5). At 1 ms the loop
is back within the headroom; the decoding thread pays a few more switches.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001


def settle() -> None:
    """Collect what start-up left behind, freeze the rest; hand the GIL over sooner."""
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
