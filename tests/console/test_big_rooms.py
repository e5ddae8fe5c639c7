"""Issue 19 items 18 and 19 as a newcomer meets them in the console (simulator world)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.cli import run_console

pytestmark = pytest.mark.slow


def test_18_wording_in_the_console(tmp_path: Path) -> None:
    """No "allow (allowed)"; the webinar's kick denial quotes the policy's sid once;
    whoami lists approving; tables stay within 100 columns."""
    script = "kick 8888 viewer_0001\nwhoami\nas lead\nwhoami\nrooms --since 3d\n"
    out = run_console(script, tmp_path)
    assert "allow (allowed)" not in out and "needs_approval (needs_approval)" not in out
    sid = "no kicks in the 1,000-user webinar; use mute"
    assert f"Denied because policy 'oncall' says: {sid}." in out, out
    assert out.count(sid) == 1
    assert "Approving: nothing (when someone else asks here)" in out
    assert re.search(r"Approving: kick, ban, mute, dismiss", out), out
    table_rows = [line for line in out.splitlines() if re.match(r"  \S.*  \S", line)]
    assert table_rows and all(len(line) <= 100 for line in table_rows if ": " not in line[:14])
    assert re.search(r"ended  \d{4}-\d\d-\d\d \d\d:\d\d \w+", out), out  # older rooms: dated


def test_19_the_webinar_in_the_console(tmp_path: Path) -> None:
    """users 8888 pages and filters; quality 8888 says what the degraded viewers share first."""
    out = run_console("users 8888 --page 2\nusers 8888 --filter host\nquality 8888\n", tmp_path)
    assert re.search(r"Page 2 of \d+; next: `users 8888 --page 3`", out), out
    assert re.search(r"3 of [\d,]+ in room 1400000001/8888 matching `host`", out), out
    quality = out.split("> quality 8888", 1)[1]
    together = re.search(r"Together: all (\d+) degraded users are on 3G[^;]*; median RTT", quality)
    assert together is not None, quality
    assert quality.index("Together:") < quality.index(" — ")
