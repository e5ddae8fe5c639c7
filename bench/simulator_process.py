"""The TRTC simulator in a process of its own, as the benchmarks run it (loopback only).

Benchmarks measure a client against a server on another core, so the simulator
runs as `trtc-chatops simulator` rather than inside the measuring process.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_simulator(
    secret_id: str, secret_key: str, *options: str, port: int | None = None, wait_s: float = 20
) -> tuple[subprocess.Popen[bytes], str]:
    """Start it with ``options`` (``--latency-ms``, ``--rate-limit``…); (process, URL)
    once it accepts connections."""
    port = port or free_port()
    proc = subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
        [sys.executable, "-m", "bot.cli", "simulator", "--port", str(port),
         "--secret-id", secret_id, "--secret-key", secret_key, *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the simulator did not start")
