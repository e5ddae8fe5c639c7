"""`trtc-chatops policy`: check a policy file, or simulate one decision offline.

    trtc-chatops policy check FILE
        exit 0 valid (warnings on stderr), 2 invalid (the error on stderr)
    trtc-chatops policy simulate FILE --user U [--group S]... --channel C
                                 --action A --resource R [--context k=v]... [--json]
        exit 0 allow, 1 deny or needs_approval, 2 invalid file or arguments;
        --json prints {"decision", "reason", "policy", "statement"}

`--context` may repeat a key to give it several values. Without
`qcs:current_time` in `--context`, the current UTC time is used.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from bot.authz import AuthzRequest, Effect, PolicyError, PolicySet, load_policy_file
from bot.authz.presets import PRESETS
from bot.authz.request import CURRENT_TIME

EXIT_ALLOW = 0
EXIT_DENY = 1
EXIT_INVALID = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "policy",
        help="check a policy file or simulate a decision offline",
        description="Check a policy file, or simulate one authorization decision offline.",
    )
    commands = parser.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", required=True)

    check = commands.add_parser("check", help="validate a policy file (exit 0 valid, 2 invalid)")
    check.add_argument("file", metavar="FILE", help="policy file (YAML, or JSON if *.json)")
    check.set_defaults(handler=run_check)

    simulate = commands.add_parser(
        "simulate",
        help="decide one request (exit 0 allow, 1 deny or needs_approval)",
        description="Decide one request against a policy file, as the bot would.",
    )
    simulate.add_argument("file", metavar="FILE", help="policy file (YAML, or JSON if *.json)")
    simulate.add_argument("--user", required=True, metavar="U", help="Slack user id")
    simulate.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="S",
        help="Slack usergroup id of the user (repeatable)",
    )
    simulate.add_argument("--channel", required=True, metavar="C", help="Slack channel id")
    simulate.add_argument("--action", required=True, metavar="A", help="e.g. trtc:RemoveUser")
    simulate.add_argument(
        "--resource",
        required=True,
        metavar="R",
        help="qcs name, e.g. qcs::trtc::uin/100000000001:sdkappid/1400000001, or *",
    )
    simulate.add_argument(
        "--context",
        action="append",
        default=[],
        type=_context_pair,
        metavar="k=v",
        help="condition context (repeatable; a repeated key has several values)",
    )
    simulate.add_argument(
        "--json",
        action="store_true",
        help='print {"decision", "reason", "policy", "statement"}',
    )
    simulate.set_defaults(handler=run_simulate)


def run_check(args: argparse.Namespace) -> int:
    policies = _load(args.file)
    if policies is None:
        return EXIT_INVALID
    for warning in policies.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    own = [d for name, d in policies.policy_file.policies.items() if name not in PRESETS]
    statements = sum(len(d.statements) for d in own)
    print(f"{args.file}: valid ({len(own)} policies, {statements} statements, plus the presets)")
    return EXIT_ALLOW


def run_simulate(args: argparse.Namespace) -> int:
    policies = _load(args.file)
    if policies is None:
        return EXIT_INVALID
    context: dict[str, str | list[str]] = {}
    for key, value in args.context:
        previous = context.get(key)
        if previous is None:
            context[key] = value
        elif isinstance(previous, list):
            previous.append(value)
        else:
            context[key] = [previous, value]
    context.setdefault(CURRENT_TIME, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    request = AuthzRequest(
        user_id=args.user,
        usergroups=frozenset(args.group),
        channel_id=args.channel,
        action=args.action,
        resource=args.resource,
        context=context,
    )
    decision = policies.evaluate(request)
    if args.json:
        print(json.dumps(decision.as_dict()))
    else:
        print(decision.explain())
    return EXIT_ALLOW if decision.effect is Effect.ALLOW else EXIT_DENY


def _load(path: str) -> PolicySet | None:
    try:
        return load_policy_file(path)
    except PolicyError as error:
        print(f"invalid policy file: {error}", file=sys.stderr)
        return None


def _context_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not k=v")
    return key.strip(), value
