"""The `trtc-chatops` command line: one sub-command per module in this package.

Each sub-command module exposes ``register(subparsers)``; it is imported only
when needed so `trtc-chatops policy check` does not pay for aiohttp start-up.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib import metadata

# sub-command name -> module in this package that implements it
SUBCOMMANDS: dict[str, str] = {
    "run": "run",
    "simulator": "simulator",
    "call": "call",
    "policy": "policy",
    "console": "console",
    "db": "db",
    "manifest": "manifest",
    "callbacks": "callbacks",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trtc-chatops",
        description="Slack chat-ops for Tencent Cloud TRTC. With no sub-command, "
        "start in the mode the configuration selects.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in SUBCOMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, help=f"see `trtc-chatops {name} --help`")
            continue
        importlib.import_module(f"bot.cli.{module}").register(sub)
    return parser


def version() -> str:
    try:
        return metadata.version("trtc-chatops")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["help"]:  # `trtc-chatops help [COMMAND]`, as `--help`
        if len(args_in) > 1 and args_in[1] in SUBCOMMANDS:
            build_parser(only=args_in[1]).parse_args([args_in[1], "--help"])
        build_parser().print_help()
        return 0
    chosen = args_in[0] if args_in and args_in[0] in SUBCOMMANDS else None
    if chosen is None and (not args_in or not args_in[0].startswith("-")):
        chosen, args_in = "run", ["run", *args_in]
    parser = build_parser(only=chosen)
    args = parser.parse_args(args_in)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    result: int = handler(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
