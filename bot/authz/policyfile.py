"""The policy file of DESIGN.md: account UIN, CAM policies, and who they apply to.

    account_uin: "100000000001"
    policies: {<name>: <CAM policy document>}
    attach:
      users:      {<Slack user id>: [<policy name>, ...]}
      usergroups: {<Slack usergroup id>: [...]}
      channels:   {<Slack channel id>: [...]}       # the channel guardrail
      default_channel_guardrail: [...]              # channels not listed above
    recording_privacy: "…"                           # optional: the line `record` states

``recording_privacy`` replaces the default privacy line of the `record` confirmation
(that participants are being recorded): a company's own wording, or its legal notice.

Guardrail rule: a channel listed under `channels` is limited by its policies; any
other channel by `default_channel_guardrail`. When the default is absent (or
null) such channels have no guardrail, so only identity policies decide: a file
without guardrails then behaves exactly like CAM. An empty list is a guardrail
that allows nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.authz.document import PolicyDocument, elements, parse_document
from bot.authz.errors import PolicyError, shown
from bot.authz.presets import PRESETS

_TOP = ("account_uin", "policies", "attach", "recording_privacy")
MAX_PRIVACY = 500
_ATTACH = ("users", "usergroups", "channels", "default_channel_guardrail")
_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]{1,128}")
_UIN = re.compile(r"[0-9]{1,20}")


@dataclass(frozen=True, slots=True)
class Attachments:
    users: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    usergroups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    channels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    default_channel_guardrail: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class PolicyFile:
    account_uin: str
    policies: Mapping[str, PolicyDocument]  # the file's own policies and the presets
    attach: Attachments
    warnings: tuple[str, ...] = ()
    recording_privacy: str | None = None


def parse_policy_file(data: object, *, file: str | None = None) -> PolicyFile:
    try:
        return _parse(data)
    except PolicyError as error:
        raise error.located(file=file) from None


def _parse(data: object) -> PolicyFile:
    if data is None:
        raise PolicyError("the file is empty; expected account_uin, policies and attach")
    if not isinstance(data, Mapping):
        raise PolicyError(f"the file must hold a mapping, not {type(data).__name__}")
    for key in data:
        if key not in _TOP:
            raise PolicyError(
                f"unknown key; expected {', '.join(_TOP)}",
                field=key if isinstance(key, str) else shown(key),
            )
    account_uin = _account_uin(data.get("account_uin"))
    policies: dict[str, PolicyDocument] = {}
    for name, document in PRESETS.items():
        policies[name] = parse_document(name, document, account_uin=account_uin)
    raw_policies = data.get("policies") or {}
    if not isinstance(raw_policies, Mapping):
        raise PolicyError("must be a mapping of policy name -> document", field="policies")
    warnings: list[str] = []
    for name, document in raw_policies.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise PolicyError(
                f"{shown(name)} is not a policy name (1-128 of A-Z a-z 0-9 _+=,.@-)",
                field="policies",
            )
        if name in PRESETS:
            raise PolicyError(
                f"{shown(name)} is a preset policy and cannot be redefined", policy=name
            )
        policies[name] = parse_document(name, document, account_uin=account_uin)
        warnings.extend(policies[name].warnings)
    attach = _attachments(data.get("attach"), policies)
    warnings.extend(_unattached(raw_policies, attach))
    privacy = data.get("recording_privacy")
    if privacy is not None and (
        not isinstance(privacy, str) or not privacy.strip() or len(privacy) > MAX_PRIVACY
    ):
        raise PolicyError(
            f"must be a non-empty string of at most {MAX_PRIVACY} characters",
            field="recording_privacy",
        )
    return PolicyFile(
        account_uin, policies, attach, tuple(warnings), privacy.strip() if privacy else None
    )


def _account_uin(value: object) -> str:
    if value is None:
        raise PolicyError(
            "missing; the root account UIN used in qcs resource names", field="account_uin"
        )
    text = value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**20:
        text = str(value)  # YAML reads an unquoted UIN as a number
    if not isinstance(text, str) or not _UIN.fullmatch(text):
        raise PolicyError(f"{shown(value)} is not a numeric UIN", field="account_uin")
    return text


def _attachments(value: object, policies: Mapping[str, PolicyDocument]) -> Attachments:
    if value is None:
        return Attachments()
    found = {k: v for k, v in _elements(value).items()}
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind in ("users", "usergroups", "channels"):
        raw = found.get(kind) or {}
        if not isinstance(raw, Mapping):
            raise PolicyError(
                "must be a mapping of Slack id -> policy names", field=f"attach.{kind}"
            )
        table: dict[str, tuple[str, ...]] = {}
        for slack_id, names in raw.items():
            if not isinstance(slack_id, str) or not slack_id.strip():
                raise PolicyError(f"{shown(slack_id)} is not a Slack id", field=f"attach.{kind}")
            table[slack_id] = _names(names, policies, field=f"attach.{kind}.{slack_id}")
        tables[kind] = table
    default = found.get("default_channel_guardrail")
    guardrail = None
    if default is not None:
        guardrail = _names(default, policies, field="attach.default_channel_guardrail")
    return Attachments(tables["users"], tables["usergroups"], tables["channels"], guardrail)


def _elements(value: object) -> dict[str, object]:
    try:
        return elements(value, _ATTACH, what="attach")
    except PolicyError as error:
        raise error.located(field_prefix="attach") from None


def _names(value: object, policies: Mapping[str, PolicyDocument], *, field: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise PolicyError("must be a list of policy names", field=field)
    out: list[str] = []
    for i, name in enumerate(items):
        if not isinstance(name, str):
            raise PolicyError(f"{shown(name)} is not a policy name", field=f"{field}[{i}]")
        if name not in policies:
            close = difflib.get_close_matches(name, list(policies), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise PolicyError(f"no policy named {shown(name)}{hint}", field=f"{field}[{i}]")
        if name not in out:
            out.append(name)
    return tuple(out)


def _unattached(raw_policies: Mapping[object, object], attach: Attachments) -> list[str]:
    used = {
        n
        for table in (attach.users, attach.usergroups, attach.channels)
        for v in table.values()
        for n in v
    }
    used.update(attach.default_channel_guardrail or ())
    return [
        f"policy {shown(name)} is not attached to anyone"
        for name in raw_policies
        if name not in used
    ]
