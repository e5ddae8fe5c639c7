"""`mutes` and `watches`: what is in force, with buttons that undo it through the normal
press path; both are reads the policy names (chatops:ListMutes, chatops:ListWatches)."""

from __future__ import annotations

from bot.console.personas import PERSONAS
from bot.core.invocation import Press
from bot.core.reply import Action, ActionKind, Reply, Severity
from bot.store.watches import ENDED, Place
from tests.core.test_mute_state import blocked
from tests.core.test_pipeline import text
from tests.support.harness import CHANNEL, THREAD, Harness

APP = 1400000001


async def _press(harness: Harness, persona: str, action: Action) -> Reply:
    p = PERSONAS[persona]
    return await harness.core.press(
        Press(
            actor=p.user_id,
            channel=CHANNEL,
            action_id=action.id,
            usergroups=p.groups,
            thread=THREAD,
        )
    )


async def _mute(harness: Harness, line: str) -> Reply:
    ask = await harness.say("oncall", line)
    done = await harness.press("oncall", ask, ActionKind.CONFIRM)
    assert done.severity is Severity.SUCCESS, done.headline
    return done


async def test_mutes_lists_each_mute_with_a_working_undo(harness: Harness) -> None:
    """Two mutes: `mutes 1234` lists who, where, what, until, by whom, each with its own
    Undo; pressing bob's unmutes bob (IsMute=0) and the list then shows carol alone."""
    bob = await _mute(harness, "mute 1234 bob --audio --for 10m")
    carol = await _mute(harness, "mute 1234 carol")
    listed = await harness.say("oncall", "mutes 1234")
    assert listed.headline == f"2 mutes in force in room {APP}/1234"
    rows = listed.tables[0].rows
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("bob", f"{APP}/1234", "audio"),
        ("carol", f"{APP}/1234", "audio and video"),
    ]
    assert rows[1][3] == "until unmuted" and "U0ONCALL" in text(listed)
    assert [a.kind for a in listed.actions] == [ActionKind.UNDO, ActionKind.UNDO]
    assert listed.actions[0].id.startswith(f"undo:{bob.operation_id}:")
    assert listed.actions[1].id.startswith(f"undo:{carol.operation_id}:")
    undone = await _press(harness, "oncall", listed.actions[0])
    assert undone.severity is Severity.SUCCESS, undone.headline
    assert blocked(harness, "bob") == 0 and blocked(harness, "carol") == 1
    again = await harness.say("oncall", "mutes")
    assert again.headline == f"1 mute in force in application {APP}"
    assert [r[0] for r in again.tables[0].rows] == ["carol"]
    none = await harness.say("oncall", "mutes standup")
    assert none.headline == f"No mutes in force in room {APP}/standup."


async def test_watches_lists_this_channels_watches_with_unwatch(harness: Harness) -> None:
    """`watch 1234` then `watches`: one row with an Unwatch button; pressing it ends that
    watch (as `unwatch 1234 --watch N`), and the list is then empty."""
    await harness.say("oncall", "watch 1234")
    listed = await harness.say("oncall", "watches")
    assert listed.headline == "1 watch in force in this channel"
    [row] = listed.tables[0].rows
    assert row[1] == f"{APP}/1234" and row[2] == "this thread"
    [button] = listed.actions
    assert button.kind is ActionKind.RUN and button.id.endswith("--watch 1")
    stopped = await _press(harness, "oncall", button)
    assert stopped.headline == f"Stopped watch #1 of room {APP}/1234."
    [watch] = await harness.store.watches.of_place(Place(CHANNEL, THREAD))
    assert watch.state == ENDED and watch.ended_why == "unwatch"
    empty = await harness.say("oncall", "watches")
    assert empty.headline.startswith("No watches in force in this channel.")
    twice = await _press(harness, "oncall", button)
    assert twice.severity is Severity.WARNING and "not in force" in twice.headline


async def test_the_lists_are_policy_actions(harness: Harness) -> None:
    """The read-only viewer may not list mutes or watches; the refusal names the action."""
    for line, action in (("mutes", "chatops:ListMutes"), ("watches", "chatops:ListWatches")):
        denied = await harness.say("viewer", line)
        assert denied.headline.startswith("Not allowed") and action in denied.headline
