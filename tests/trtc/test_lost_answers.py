"""Writes whose answer was lost are never sent again; reads keep their retries.

The simulator applies the write and then loses the answer (a dropped connection, an
answer after the client gave up, InternalError): exactly what a blind retry would
turn into a second kick or a false "the room does not exist".
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.trtc.client import TrtcClient
from bot.trtc.errors import TrtcApiError, TrtcOutcomeUnknown
from bot.trtc.simulator import RunningSimulator, SimulatorConfig, serve_simulator
from bot.trtc.simulator.lost import LostAnswer, LostAnswers
from tests.support.credentials import SECRET_ID, SECRET_KEY

APP = 1400000001


@pytest.fixture
async def rig() -> AsyncIterator[tuple[RunningSimulator, TrtcClient]]:
    config = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None, lost_answer_hold_s=2.0
    )
    async with (
        serve_simulator(config) as sim,
        TrtcClient.create(
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            endpoint=sim.url,
            rate_limit=None,
            timeout_s=0.5,
        ) as client,
    ):
        yield sim, client


def _sent(sim: RunningSimulator, action: str) -> int:
    return sum(1 for r in sim.simulator.requests if r.action == action)


@pytest.mark.parametrize("how", list(LostAnswer))
async def test_a_dismissal_whose_answer_is_lost_is_not_sent_again(
    rig: tuple[RunningSimulator, TrtcClient], how: LostAnswer
) -> None:
    """The room is gone, the client says "outcome unknown", and DismissRoom went once."""
    sim, client = rig
    sim.simulator.lose_next("DismissRoom", how)
    with pytest.raises(TrtcOutcomeUnknown) as lost:
        await client.dismiss_room(APP, 1234)
    assert _sent(sim, "DismissRoom") == 1
    assert lost.value.code in {"InternalError", "TrtcTransportError"}
    room = sim.simulator.world.room(APP, 1234)
    assert room is None or not room.present_user_ids()


@pytest.mark.parametrize("how", list(LostAnswer))
async def test_a_kick_whose_answer_is_lost_is_not_sent_again(
    rig: tuple[RunningSimulator, TrtcClient], how: LostAnswer
) -> None:
    """alice is out, RemoveUser went once, and the caller learns the outcome is unknown."""
    sim, client = rig
    sim.simulator.lose_next("RemoveUser", how)
    with pytest.raises(TrtcOutcomeUnknown):
        await client.remove_users(APP, 1234, ["alice"])
    assert _sent(sim, "RemoveUser") == 1
    room = sim.simulator.world.room(APP, 1234)
    assert room is not None and "alice" not in room.present_user_ids()


async def test_a_refused_write_is_a_plain_failure(
    rig: tuple[RunningSimulator, TrtcClient],
) -> None:
    """TRTC answered and refused: nothing changed, so it is an error, not an unknown."""
    _, client = rig
    with pytest.raises(TrtcApiError) as refused:
        await client.dismiss_room(APP, 4_000_000_000)
    assert not isinstance(refused.value, TrtcOutcomeUnknown)


async def test_a_write_refused_by_the_rate_limit_is_sent_again(
    rig: tuple[RunningSimulator, TrtcClient],
) -> None:
    """RequestLimitExceeded comes before any change: resending the write is safe."""
    sim, client = rig
    sim.simulator.fail_next("RemoveUser", "RequestLimitExceeded")
    await client.remove_users(APP, 1234, ["bob"])
    assert _sent(sim, "RemoveUser") == 2


async def test_reads_keep_their_retries(rig: tuple[RunningSimulator, TrtcClient]) -> None:
    """A read that hits InternalError or a 502 is simply asked again, and answers."""
    sim, client = rig
    sim.simulator.fail_next("DescribeScaleInfo", "InternalError")
    sim.simulator.fail_next("DescribeScaleInfo", http_status=502)
    now = int(time.time())
    assert await client.scale(APP, now - 3 * 86400, now)
    assert _sent(sim, "DescribeScaleInfo") == 3


async def test_one_refused_batch_leaves_the_other_reported(
    rig: tuple[RunningSimulator, TrtcClient],
) -> None:
    """Fifteen users are two requests; one refused, the other's users are still removed."""
    sim, client = rig
    users = ["alice", "bob", "carol", "dave", "frank", *(f"u{n:02d}" for n in range(6, 16))]
    sim.simulator.fail_next("RemoveUser", "InvalidParameter.UserIds")
    removal = await client.remove_users(APP, 1234, users)
    assert len(removal.removed) + len(removal.failed) == 15
    assert {len(removal.removed), len(removal.failed)} == {5, 10}
    assert all(e.code == "InvalidParameter.UserIds" for e in removal.failed.values())
    assert len(removal.request_ids) == 2  # the success's and the refusal's


def test_rates_are_read_from_the_command_line_form() -> None:
    """--lost-answers drop=0.1,internal_error=0.2; a wrong word says what is allowed."""
    assert LostAnswers.parse("drop=0.1,internal_error=0.2") == LostAnswers(0.1, 0.0, 0.2)
    with pytest.raises(ValueError, match="drop, timeout, internal_error"):
        LostAnswers.parse("vanish=0.1")
    with pytest.raises(ValueError, match="add"):
        LostAnswers.parse("drop=0.7,timeout=0.7")


async def test_a_scenario_sets_the_rates() -> None:
    """A scenario's lost_answers apply when the command line sets none: every kick's
    answer lost here, and each kick still sent once."""
    from bot.trtc.simulator import parse_scenario

    scenario = parse_scenario({"lost_answers": {"internal_error": 1.0}})
    config = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, rate_limit=None, scenario=scenario
    )
    async with (
        serve_simulator(config) as sim,
        TrtcClient.create(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, endpoint=sim.url, rate_limit=None
        ) as client,
    ):
        for user in ("alice", "bob"):
            with pytest.raises(TrtcOutcomeUnknown):
                await client.remove_users(APP, 1234, [user])
        assert [r.lost for r in sim.simulator.requests] == [LostAnswer.INTERNAL_ERROR] * 2
