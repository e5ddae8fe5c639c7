"""The long-lived heap put out of the garbage collector's way once start-up is done.

What start-up builds (modules, mappers, the Slack and TRTC clients, the policy) lives
as long as the process. Left in the collector's oldest generation, every full
collection walks all of it: ~130 ms here, landing on whichever request happens to
allocate next (bench/ack_latency.py caught one in the middle of a burst of Slack
acks), and ~12 % of a large ``quality`` command's CPU (bench/quality.py).
``gc.freeze`` moves it to a generation the collector never visits.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what start-up left behind, then freeze the rest."""
    gc.collect()
    gc.freeze()
