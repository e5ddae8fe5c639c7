"""A command the configured TRTC site cannot do is explained before any call.

mute/unmute use SetUserBlocked, which only the international site offers: on a
mainland endpoint the bot refuses them itself (nothing reaches TRTC, the audit says
bad input) and help leaves them out; on the international site they run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.reply import ActionKind, Severity
from bot.settings import Settings, Site
from bot.trtc.simulator import SimulatorConfig
from tests.core.test_pipeline import text
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import Harness, open_harness

REAL = {"tencentcloud_secret_id": "AKIDx", "tencentcloud_secret_key": "k"}


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def _harness(database_url: str, site: Site) -> AsyncIterator[Harness]:
    config = SimulatorConfig(
        secret_id=SECRET_ID, secret_key=SECRET_KEY, seed=3, rate_limit=None, site=site
    )
    # The bot learns its site from TRTC_SITE here: its endpoint is the simulator's URL.
    async with open_harness(config, database_url, settings=_settings(trtc_site=site)) as h:
        yield h


@pytest.fixture
async def mainland(database_url: str) -> AsyncIterator[Harness]:
    async for h in _harness(database_url, Site.MAINLAND):
        yield h


@pytest.fixture
async def intl(database_url: str) -> AsyncIterator[Harness]:
    async for h in _harness(database_url, Site.INTL):
        yield h


@pytest.mark.parametrize("line", ["mute 1234 bob --for 10m", "unmute 1234 bob"])
async def test_mute_on_the_mainland_is_explained_without_a_call(
    mainland: Harness, line: str
) -> None:
    reply = await mainland.say("oncall", line)
    assert reply.severity is Severity.ERROR
    assert "SetUserBlocked" in reply.headline
    assert "only on the international site (trtc.intl.tencentcloudapi.com)" in reply.headline
    assert "this bot talks to the mainland site" in reply.headline
    assert not reply.actions  # nothing to confirm
    assert mainland.sim.simulator.requests == []  # not even the preview's reads
    [record] = await mainland.store.audit.recent(1)
    assert (record.outcome, record.command) == ("bad_input", line.split()[0])
    assert "SetUserBlocked" in (record.note or "")


async def test_help_on_the_mainland_does_not_offer_mute(mainland: Harness) -> None:
    reply = await mainland.say("oncall", "help")
    [table] = reply.tables
    offered = {row[0].split()[0] for row in table.rows}
    assert "kick" in offered and not offered & {"mute", "unmute"}
    assert "`mute`, `unmute`" in text(reply)


async def test_mute_on_the_international_site_runs(intl: Harness) -> None:
    reply = await intl.say("oncall", "mute 1234 bob")
    done = await intl.press("oncall", reply, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, done.headline
    assert intl.mutations() == ["SetUserBlocked"]
    state = intl.sim.simulator.world.user_state(1400000001, 1234, "bob")
    assert state is not None and state.is_mute == 1


@pytest.mark.parametrize(
    ("values", "site"),
    [
        ({}, None),  # the embedded simulator, nothing configured: both sites
        ({"trtc_endpoint": "trtc.tencentcloudapi.com"}, Site.MAINLAND),
        ({"trtc_endpoint": "trtc.intl.tencentcloudapi.com"}, Site.INTL),
        ({"trtc_endpoint": "trtc.ap-singapore.tencentcloudapi.com"}, Site.MAINLAND),
        ({"trtc_endpoint": "http://127.0.0.1:9000"}, None),
        ({"trtc_endpoint": "http://127.0.0.1:9000", "trtc_site": "intl"}, Site.INTL),
        (REAL, Site.MAINLAND),  # Tencent Cloud on the default endpoint
        (
            {
                "tencentcloud_secret_id": "AKIDx",
                "tencentcloud_secret_key": "k",
                "trtc_site": "intl",
            },
            Site.INTL,
        ),
    ],
)
def test_the_site_comes_from_the_endpoint_unless_told(
    values: dict[str, object], site: Site | None
) -> None:
    assert _settings(**values).site is site


async def test_quality_on_the_international_site_leaves_out_mainland_metrics(
    intl: Harness,
) -> None:
    """rtt is listed on the mainland only: the client does not ask the international site
    for it (which would refuse the whole request), and the report still comes."""
    reply = await intl.say("oncall", "quality 1234 --since 30m")
    assert reply.severity is not Severity.ERROR, reply.headline
    details = [r for r in intl.sim.simulator.requests if r.action == "DescribeCallDetailInfo"]
    assert details and all(r.error_code is None for r in details)
    assert all("rtt" not in r.params["DataType"] for r in details)
