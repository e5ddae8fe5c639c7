"""Issue 19 item 19: the console shows a slow command's progress while it runs."""

from __future__ import annotations

from pathlib import Path

from bot.console.personas import PERSONAS
from bot.console.progress import ProgressLines
from bot.core.invocation import Invocation, Origin
from tests.quality.conftest import harness_factory, webinar


async def test_progress_lines_are_printed_once_each() -> None:
    """Each new line is written, marked and indented; a repeat is not."""
    written: list[str] = []
    progress = ProgressLines(written.append)
    for line in ("fetched 50/300 users…", "fetched 50/300 users…", "fetched 120/300 users…"):
        await progress(line)
    assert written == ["  … fetched 50/300 users…", "  … fetched 120/300 users…"]


async def test_quality_of_a_big_room_reports_progress_to_the_console(tmp_path: Path) -> None:
    """`quality` on a slow, large room prints "fetched N/M users…" before its reply."""
    written: list[str] = []
    room = webinar(400)
    async with harness_factory(tmp_path)(room, latency_ms=400) as h:
        oncall = PERSONAS["oncall"]
        reply = await h.core.handle(
            Invocation(
                actor=oncall.user_id,
                channel="C0INCIDENT",
                text="quality 7400",
                origin=Origin.CONSOLE,
                usergroups=oncall.groups,
                thread="console",
            ),
            progress=ProgressLines(written.append),
        )
    assert written and all(line.startswith("  … fetched ") for line in written), written
    assert "/400 users" in written[-1]
    assert reply.headline
