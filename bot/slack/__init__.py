"""The Slack adapter: Bolt listeners, Block Kit rendering, App Home, HTTP and Socket Mode."""

from bot.slack.app import SlackBot, create_slack_app
from bot.slack.blocks import Message, render
from bot.slack.directory import DirectoryError, SlackDirectory
from bot.slack.server import serve_http, socket_mode, web_app

__all__ = [
    "DirectoryError",
    "Message",
    "SlackBot",
    "SlackDirectory",
    "create_slack_app",
    "render",
    "serve_http",
    "socket_mode",
    "web_app",
]
