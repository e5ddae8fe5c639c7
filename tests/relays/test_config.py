"""Relay templates checked at start-up, one line each; the grammar of the new commands."""

from __future__ import annotations

import pytest

from bot.core.grammar import Grammar, ParseError
from bot.relay_templates import TemplateError, default_templates, load_templates
from bot.settings import SettingsError, load_settings
from commands import REGISTRY

GOOD = """
single:
  WithTranscoding: 0
  AudioParams: {AudioEncode: {SampleRate: 48000, Channel: 1, BitRate: 32}}
mixed:
  WithTranscoding: 1
  AudioParams: {AudioEncode: {SampleRate: 44100, Channel: 2, BitRate: 128}}
  VideoParams: {VideoEncode: {Width: 640, Height: 360, Fps: 15, BitRate: 800, Gop: 2}}
"""


def test_good_templates_load_and_pick_copies() -> None:
    templates = load_templates(GOOD)
    picked = templates.pick(True)
    picked["WithTranscoding"] = 9
    assert templates.pick(True)["WithTranscoding"] == 1
    assert templates.pick(False)["AudioParams"]["AudioEncode"]["Channel"] == 1
    assert load_templates(None) == default_templates()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "must map template names"),
        ("{loud: {}}", "unknown template 'loud'"),
        ("{single: {WithTranscoding: 1}}", "single: WithTranscoding must be 0"),
        ("{mixed: {WithTranscoding: 1}}", "mixed: AudioParams.AudioEncode is required"),
        ("{mixed: {WithTranscoding: 1, RoomId: '1'}}", "mixed: RoomId is set by the bot"),
        ("{mixed: {WithTranscoding: 1, Colour: 1}}", "'Colour' is not a StartPublishCdnStream"),
        (
            "{single: {WithTranscoding: 0, AudioParams: {AudioEncode: "
            "{SampleRate: 48000, Channel: 3, BitRate: 64}}}}",
            "single: AudioEncode.Channel must be 1 or 2",
        ),
        ("{single: [", "not JSON or YAML"),
    ],
)
def test_bad_templates_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message) as err:
        load_templates(text)
    assert "\n" not in str(err.value)


def test_settings_refuse_bad_templates_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"TRTC_CHATOPS_RELAY_TEMPLATES: .*WithTranscoding"):
        load_settings(_env_file=None, trtc_chatops_relay_templates="{single: {WithTranscoding: 1}}")


GRAMMAR = Grammar(REGISTRY, apps={}, default_app=1400000001)
TASK = "k-6427l69IVvdGnIHLg8TeyO4iZycepKCb6F7HUIisH1BRIcRrVKBTt4TOtr9Sb14Wl5o1N_.."


def test_two_word_commands_flags_urls_and_tasks() -> None:
    parsed = GRAMMAR.parse("relay start 1234 --url rtmp://h.example.com/live/KEY --mix")
    assert parsed.spec.name == "relay start" and parsed.args["mix"] is True
    assert parsed.args["url"] == "rtmp://h.example.com/live/KEY"  # whole: TRTC needs it
    assert GRAMMAR.parse(f"relay stop {TASK}").args["task"] == TASK
    assert GRAMMAR.parse(f"ingest stop {TASK}").args["target"] == TASK
    assert GRAMMAR.parse("ingest stop standup").args["target"].room == "standup"
    assert GRAMMAR.parse("ingest 1234").spec.name == "ingest"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("relay start 1234", "--url is missing"),
        ("relay start 1234 --url https://h.example.com/live/KEY", "RTMP only"),
        ("relay start 1234 --url nonsense", "not a URL"),
        ("relay start 1234 --url rtmp://h.example.com/l/KEY --mix --user alice", "mixes everyone"),
        ("relay stop has space'", "quote"),
        ("ingest start 1234 --url ftp://h.example.com/x", "rtmp, http"),
        ("ingest start 1234", "--url is missing"),
        ("relay start --mix", "<room> is missing"),
    ],
)
def test_bad_lines(line: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as err:
        GRAMMAR.parse(line)
    assert "KEY" not in str(err.value)


def test_help_shows_a_required_option_without_brackets() -> None:
    """`--url` is required for relay start and ingest start: no square brackets, which
    say optional; the optional ones keep theirs."""
    relay = GRAMMAR.spec("relay start")
    ingest = GRAMMAR.spec("ingest start")
    assert relay is not None and ingest is not None
    assert relay.usage == "relay start <room> --url rtmp://… [--mix] [--user user]"
    assert ingest.usage.startswith("ingest start <room> --url ") and "[--url" not in ingest.usage
    assert "[--user user]" in ingest.usage
