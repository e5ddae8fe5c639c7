"""Logging for a deployed bot: one JSON object per line, each carrying the request id
that the person saw in their error reply, so support finds the trace in one search.
"""

from __future__ import annotations

import contextvars
import logging
import sys

from pythonjsonlogger.json import JsonFormatter

# The reference id of the invocation being handled (shown to users on errors).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class _RequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure(level: int = logging.INFO, *, json: bool | None = None) -> None:
    """JSON lines when stderr is not a terminal (a platform's log collector), text otherwise."""
    as_json = not sys.stderr.isatty() if json is None else json
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestId())
    if as_json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Libraries' chatter only when debugging: Alembic's step-by-step lines (the store says
    # the outcome once) and matplotlib's notes on how it reads chart axes.
    quiet = logging.DEBUG if level <= logging.DEBUG else logging.WARNING
    for chatty in ("alembic", "matplotlib"):
        logging.getLogger(chatty).setLevel(quiet)
