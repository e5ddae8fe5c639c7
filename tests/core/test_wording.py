"""Issue 19 item 18: no word said twice, the deciding statement's own words, approving."""

from __future__ import annotations

import re

from bot.authz.decision import Decision, Effect, Reason
from bot.authz.document import parse_document
from bot.core.markup import plain
from bot.core.reply import Reply
from tests.support.harness import Harness

SID = "no kicks in the 1,000-user webinar; use mute"


def _text(reply: Reply) -> str:
    parts = [reply.headline, *reply.lines, *(f"{k}: {v}" for k, v in reply.fields)]
    parts += [" | ".join(row) for t in reply.tables for row in t.rows]
    return plain("\n".join(parts))


def test_a_decision_never_says_its_effect_twice() -> None:
    """ "allow (allowed)" and "needs_approval (needs_approval)" read as one word."""
    allow = Decision(Effect.ALLOW, Reason.ALLOWED, "p", 0)
    assert allow.explain() == "allow: policy 'p' statement[0]"
    approval = Decision(Effect.NEEDS_APPROVAL, Reason.NEEDS_APPROVAL, "p", 1)
    assert approval.explain() == "needs_approval: policy 'p' statement[1]"
    guard = Decision(Effect.DENY, Reason.GUARDRAIL).explain()
    assert guard.startswith("deny (guardrail): ")


def test_a_statement_sid_is_parsed_and_carried() -> None:
    """The optional `sid` element is the statement's words in every decision it makes."""
    doc = parse_document(
        "p",
        {"version": "2.0", "statement": [
            {"sid": SID, "effect": "deny", "action": "trtc:RemoveUser", "resource": "*"}]},
        account_uin="1",
    )  # fmt: skip
    decision = doc.statements[0].decision
    assert decision.sid == SID
    assert decision.as_dict()["sid"] == SID
    assert decision.explain().endswith(f'statement[0] "{SID}"')


async def test_a_denial_quotes_the_deciding_statement_once(harness: Harness) -> None:
    """Kicking in the webinar: the sample policy's own words say why, and only once."""
    text = _text(await harness.say("oncall", "kick 8888 viewer_0001"))
    assert f"Denied because policy 'oncall' says: {SID}." in text, text
    assert text.count(SID) == 1, text


async def test_whoami_lists_approving_and_no_repeated_reason(harness: Harness) -> None:
    """The lead approves others' changes; the Why column names the statement, not "allow"."""
    lead = await harness.say("lead", "whoami")
    fields = dict(lead.fields)
    assert fields["Approving"].startswith("kick, ban, mute, dismiss"), fields
    oncall = dict((await harness.say("oncall", "whoami")).fields)
    assert oncall["Approving"] == "nothing (when someone else asks here)"
    rows = {row[0]: row for row in lead.tables[0].rows}
    assert rows["kick"][2].startswith("policy "), rows["kick"]
    assert not re.search(r"\b(\w+) \(\1\)", _text(lead))
