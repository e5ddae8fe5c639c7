"""What the bot says about TRTC's monitoring editions and history lag: a refused window
in a plain sentence, and a one-line caveat on replies built on lagging history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.core import replies
from bot.core.reply import Reply, Severity
from bot.editions import HistoryTerms, edition
from bot.settings import Settings, SettingsError, load_settings
from bot.trtc.errors import TrtcApiError
from bot.trtc.simulator import SimulatorConfig
from tests.support.credentials import SECRET_ID, SECRET_KEY
from tests.support.harness import Harness, open_harness

LAG_LINE = (
    "TRTC's history can lag by up to 60 s: someone who joined or left just now may not show yet."
)


@asynccontextmanager
async def _harness(database_url: str, **options: object) -> AsyncIterator[Harness]:
    settings_options = options.pop("settings", {})
    config = SimulatorConfig(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        seed=3,
        rate_limit=None,
        **options,  # type: ignore[arg-type]
    )
    settings = Settings(_env_file=None, **settings_options)  # type: ignore[arg-type, call-arg]
    async with open_harness(config, database_url, settings=settings) as harness:
        yield harness


def _text(reply: Reply) -> str:
    return "\n".join((reply.headline, *reply.lines))


async def test_a_ten_day_window_on_a_seven_day_edition_is_a_plain_sentence(
    database_url: str,
) -> None:
    """`rooms --since 10d` on the Basic edition: the reply says what the edition keeps;
    the code and RequestId stay for support, the raw message does not."""
    async with _harness(database_url, edition="basic") as h:
        reply = await h.say("oncall", "rooms --since 10d")
        refused = [r for r in h.sim.simulator.requests if r.error_code]
    assert [r.error_code for r in refused] == ["InvalidParameter.StartTimeOversize"]
    assert reply.severity is Severity.ERROR
    assert reply.headline == (
        "Your TRTC monitoring edition, Basic/Standard (基础版), keeps 7 days of call history: "
        "ask for a shorter window."
    )
    assert reply.lines[0] == "Code: InvalidParameter.StartTimeOversize"
    assert reply.lines[1].startswith("RequestId: ")
    assert not any(line.startswith("Message:") for line in reply.lines)


async def test_the_configured_edition_phrases_the_sentence(database_url: str) -> None:
    """TRTC_CHATOPS_MONITORING_EDITION is what the bot tells people (and what the
    embedded simulator would be given); a shorter window is answered."""
    settings = {"trtc_chatops_monitoring_edition": "exclusive"}
    async with _harness(database_url, edition="exclusive", settings=settings) as h:
        assert h.core.services.history.edition == edition("exclusive")
        refused = await h.say("oncall", "rooms --since 8d")
        answered = await h.say("oncall", "rooms --since 6d")
    assert "keeps 7 days of call history" in refused.headline
    assert "尊享版" in refused.headline
    assert answered.severity is not Severity.ERROR
    assert "live" in answered.headline


async def test_the_free_edition_says_history_is_not_included(database_url: str) -> None:
    async with _harness(database_url, edition="free") as h:
        reply = await h.say("oncall", "users 1234")
    assert reply.severity is Severity.ERROR
    assert reply.headline.startswith(
        "Your TRTC monitoring edition, Free (免费版), does not include call history: "
        "DescribeRoomInfo needs a paid package since 2024-04-01"
    )


def test_an_unknown_edition_is_phrased_without_a_number() -> None:
    """On Tencent Cloud with no edition configured the bot cannot know the days kept."""
    exc = TrtcApiError(
        action="DescribeUserInfo",
        code="InvalidParameter.StartTimeOversize",
        message="StartTime is too early.",
        request_id="req-1",
    )
    reply = replies.trtc_failure(exc, HistoryTerms())
    assert reply.headline.startswith(
        "TRTC's monitoring package does not cover this window for DescribeUserInfo"
    )
    assert "Ask for a shorter window" in reply.headline
    assert "keeps 7 or 14 days" in reply.headline
    assert "Your TRTC monitoring edition" not in reply.headline
    assert reply.lines == ("Code: InvalidParameter.StartTimeOversize", "RequestId: req-1")


async def test_replies_on_history_say_it_may_lag(database_url: str) -> None:
    """With a 60 s lag, `users` and `rooms` add one line saying so; without one, neither does."""
    async with _harness(database_url, history_lag_s=60) as h:
        assert h.core.services.history.lag_s == 60
        users = await h.say("oncall", "users 1234")
        rooms = await h.say("oncall", "rooms")
    assert users.severity is Severity.INFO, _text(users)
    assert LAG_LINE in users.lines
    assert LAG_LINE in rooms.lines
    async with _harness(database_url) as h:
        users = await h.say("oncall", "users 1234")
        rooms = await h.say("oncall", "rooms")
    assert not any("lag" in line for line in (*users.lines, *rooms.lines))


async def test_the_configured_lag_is_said_on_tencent_cloud_terms(database_url: str) -> None:
    """TRTC_CHATOPS_HISTORY_LAG_S is what the bot tells people, whatever the simulator does."""
    async with _harness(database_url, settings={"trtc_chatops_history_lag_s": 45}) as h:
        rooms = await h.say("oncall", "rooms")
    assert any(line.startswith("TRTC's history can lag by up to 45 s") for line in rooms.lines)


def test_settings_name_editions_and_refuse_unknown_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("TRTC_CHATOPS_MONITORING_EDITION", "Premium")
    assert load_settings().trtc_chatops_monitoring_edition == "advanced"
    monkeypatch.setenv("TRTC_CHATOPS_MONITORING_EDITION", "gold")
    with pytest.raises(SettingsError, match="TRTC_CHATOPS_MONITORING_EDITION"):
        load_settings()
