"""Work waits for the burst of acks it came in: nothing of it runs while one is answered."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.slack.tasks import QUIET_S, Tasks


async def test_work_is_made_only_once_the_burst_is_answered() -> None:
    tasks = Tasks()
    started: list[int] = []
    ran: list[int] = []

    async def work(n: int) -> None:
        ran.append(n)

    def start(n: int) -> None:
        started.append(n)
        tasks.after_ack(work(n), user=f"U{n % 2}")

    with tasks.answering():  # a request from Slack is being read and answered
        for n in range(5):
            tasks.after_burst(lambda n=n: start(n))
        await asyncio.sleep(3 * QUIET_S)
        assert started == []  # not even made: the acks still to be sent come first
    await asyncio.sleep(0)
    assert started == []  # answered, but the burst may go on for QUIET_S
    await tasks.drain()
    assert started == [0, 1, 2, 3, 4]  # in the order they came
    assert sorted(ran) == [0, 1, 2, 3, 4]


async def test_without_a_burst_work_is_made_at_once() -> None:
    tasks = Tasks()
    started: list[str] = []
    tasks.after_burst(lambda: started.append("now"))
    assert started == ["now"]


async def test_one_that_cannot_start_is_logged_and_the_rest_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tasks = Tasks()
    started: list[int] = []

    def broken() -> None:
        raise ValueError("unreadable payload")

    with tasks.answering():
        tasks.after_burst(broken)
        tasks.after_burst(lambda: started.append(2))
    with caplog.at_level(logging.ERROR):
        await tasks.drain()
    assert started == [2]
    assert "could not start" in caplog.text
    assert "unreadable payload" in caplog.text
