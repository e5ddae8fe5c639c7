"""No message is near Slack's ``msg_blocks_too_long``: long replies become several."""

from __future__ import annotations

from bot.core.reply import Action, ActionKind, Reply, Severity, Table
from bot.slack.blocks import render
from tests.slack.conftest import CHANNEL, LEAD, World
from tests.support.fake_slack import buttons, text_objects

# Characters of block text per message: bot.slack.blocks.MAX_MESSAGE_TEXT (why 8,000 is there).
MAX_MESSAGE_TEXT = 8_000


def _size(blocks: list[dict]) -> int:
    return sum(len(text) for _, text in text_objects(blocks))


def _huge() -> Reply:
    long = "<!channel> " + "y" * 1990
    return Reply(
        headline="H" * 2900,
        severity=Severity.WARNING,
        lines=tuple(f"line {i} " + "z" * 300 for i in range(200)),
        fields=tuple((f"field {i}", long) for i in range(30)),
        tables=(Table(("Row", "Value"), tuple((str(i), "v" * 90) for i in range(2000))),),
        actions=tuple(Action(ActionKind.RUN, f"run:x{i}", "B" * 80) for i in range(30)),
        label="SIMULATOR",
    )


def test_every_page_of_a_huge_reply_stays_under_the_total() -> None:
    """Long headline, 30 two-thousand-character fields, 2,000 rows, 200 lines, 30 buttons
    and a note: every page is ≤ 50 blocks and ≤ 8,000 characters, nothing is lost, the
    buttons stay on the first page."""
    reply = _huge()
    pages = render(reply, note="Confirm pressed by <@U0LEAD>")
    assert len(pages) > 10
    for page in pages:
        assert len(page.blocks) <= 50
        assert _size(page.blocks) <= MAX_MESSAGE_TEXT, _size(page.blocks)
    everything = [t for page in pages for _, t in text_objects(page.blocks)]
    assert sum(t.count("v" * 90) for t in everything) == 2000
    assert sum(t.count("z" * 300) for t in everything) == 200
    assert sum(t.count("&lt;!channel&gt;") for t in everything) == 30
    assert len(buttons(pages[0].blocks)) == 30
    assert all(buttons(page.blocks) == [] for page in pages[1:])


async def test_audit_100_posts_several_messages_each_under_the_limit(world: World) -> None:
    """`audit 100` over long records (once one 11,368-character message) is several
    messages in the thread, each within the total, all 100 rows shown."""
    for i in range(100):
        await world.store.audit.record(
            at=1_700_000_000.0 + i,
            actor="U0ONCALL",
            channel=CHANNEL,
            origin="slash",
            text=f'kick 1234 user{i:03d} --reason "a long reason that fills the column"',
            command="kick",
            decision="allow",
            outcome="succeeded",
            request_ids=[f"{i:08d}-aaaa-bbbb-cccc-ddddeeeeffff"],
        )
    await world.slack.slash(LEAD, "audit 100")
    fake = world.fake
    await fake.wait_for(lambda: fake.of("chat.update"), what="the parent's update")
    await world.bot.adapter.drain()
    thread = [p for p in fake.posts(CHANNEL) if p.args.get("thread_ts")]
    assert len(thread) >= 2
    sizes = [_size(p.blocks) for p in thread]
    assert all(size <= MAX_MESSAGE_TEXT for size in sizes), sizes
    assert sum(sizes) > 11_000  # as long as the reply that was once one message
    rows = sum(t.count("-aaaa-bbbb-cccc-") for p in thread for t in p.texts())
    assert rows == 100
