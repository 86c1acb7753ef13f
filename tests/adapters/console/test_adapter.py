"""The console adapter: typed lines become commands and votes; posts are drawn or logged."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from collections.abc import Callable

import pytest
from rich.console import Console
from structlog.testing import capture_logs

from adapters.console import ConsoleAdapter
from adapters.console.adapter import COMMAND_FAILED, HEADLESS_NOTE, HINT, VOTE_FAILED
from bot.models import (
    Command,
    Digest,
    DigestItem,
    MessageRole,
    OutgoingMessage,
    PostedMessage,
    PostRef,
    Reply,
    ReplyKind,
    Vote,
    VoteOutcome,
)
from tests.fakes import eventually

MakeItem = Callable[..., DigestItem]
MODE_LINE = "papers-bot: console mode (no Slack or Discord token set)."


class FakeCore:
    """Records what the adapter hands to the core and answers with canned values."""

    def __init__(
        self, reply: Reply | None = None, *, counted: bool = True, held: bool = False
    ) -> None:
        self.reply = reply or Reply(ReplyKind.TEXT, "Done.")
        self.counted = counted
        self.held = held
        self.fail_commands = False
        self.fail_votes = False
        self.commands: list[Command] = []
        self.votes: list[Vote] = []

    async def handle_command(self, command: Command) -> Reply:
        self.commands.append(command)
        if self.fail_commands:
            raise RuntimeError("database is locked")
        return self.reply

    async def record_vote(self, vote: Vote) -> VoteOutcome:
        self.votes.append(vote)
        if self.fail_votes:
            raise RuntimeError("database is locked")
        if self.held:
            return VoteOutcome.HELD
        return VoteOutcome.RECORDED if self.counted else VoteOutcome.UNCHANGED


def make_adapter(
    digest: Digest, typed: str = "", *, interactive: bool | None = True
) -> tuple[ConsoleAdapter, Console]:
    """An adapter on the digest's channel reading `typed`, drawing to a recording console."""
    console = Console(file=io.StringIO(), record=True, width=100, force_terminal=False)
    adapter = ConsoleAdapter(
        digest.channel,
        mode_line=MODE_LINE,
        console=console,
        input_stream=io.StringIO(typed),
        interactive=interactive,
    )
    return adapter, console


async def post_digest(
    adapter: ConsoleAdapter, digest: Digest, *, items: bool = True
) -> list[PostRef]:
    """Post a digest the way delivery does: the header, then each item in its thread."""
    header = await adapter.post(
        digest.channel, OutgoingMessage("header", MessageRole.HEADER, digest)
    )
    refs = [header]
    for item in digest.items if items else ():
        message = OutgoingMessage(f"item:{item.rank}", MessageRole.ITEM, digest, item, header)
        refs.append(await adapter.post(digest.channel, message))
    return refs


async def serve(adapter: ConsoleAdapter, core: FakeCore) -> None:
    """Run start() until the input runs out, failing the test if it hangs."""
    await asyncio.wait_for(adapter.start(core), timeout=5)


async def test_start_prints_the_mode_line_first_and_returns_at_end_of_input(
    digest: Digest,
) -> None:
    adapter, console = make_adapter(digest, "")

    await serve(adapter, FakeCore())

    assert console.export_text().splitlines()[0] == MODE_LINE


async def test_a_papers_command_goes_to_the_core_and_its_reply_is_printed(digest: Digest) -> None:
    adapter, console = make_adapter(digest, "/papers search diffusion models\n")
    core = FakeCore(Reply(ReplyKind.TEXT, "No papers match diffusion models yet."))

    await serve(adapter, core)

    assert core.commands == [
        Command(digest.channel, user_id="local", text="search diffusion models")
    ]
    assert "No papers match diffusion models yet." in console.export_text()


@pytest.mark.parametrize(
    ("typed", "text"),
    [("papers today", "today"), ("/papers", ""), ("  /Papers   settings  ", "settings")],
)
async def test_command_prefix_is_optional_and_forgiving(
    digest: Digest, typed: str, text: str
) -> None:
    adapter, _ = make_adapter(digest, typed + "\n")
    core = FakeCore()

    await serve(adapter, core)

    assert [c.text for c in core.commands] == [text]


@pytest.mark.parametrize("emoji", ["+1", "-1", "fire"])
async def test_a_vote_targets_the_posted_item_message_of_that_rank(
    digest: Digest, emoji: str
) -> None:
    adapter, console = make_adapter(digest, f"{emoji} 2\n")
    core = FakeCore()
    refs = await post_digest(adapter, digest)

    await serve(adapter, core)

    assert core.votes == [
        Vote(digest.channel, message_id=refs[2].message_id, user_id="local", emoji=emoji)
    ]
    assert f"Counted your {emoji} on item 2: Paper number 2" in console.export_text()


async def test_a_vote_the_core_ignores_is_reported_as_changing_nothing(digest: Digest) -> None:
    adapter, console = make_adapter(digest, "+1 1\n")
    await post_digest(adapter, digest)

    await serve(adapter, FakeCore(counted=False))

    assert "Your +1 on item 1 changed nothing; it may be counted already." in console.export_text()


async def test_a_vote_the_database_cannot_take_yet_is_said_to_be_kept(digest: Digest) -> None:
    adapter, console = make_adapter(digest, "+1 1\n")
    await post_digest(adapter, digest)

    await serve(adapter, FakeCore(held=True))

    shown = " ".join(console.export_text().split())
    assert "The bot can't save votes right now; your +1 on item 1 is kept" in shown


async def test_a_vote_before_any_digest_sends_nothing_and_says_so(digest: Digest) -> None:
    adapter, console = make_adapter(digest, "+1 1\n")
    core = FakeCore()

    await serve(adapter, core)

    assert core.votes == []
    assert "There is no item 1 to vote on; votes go to the last digest shown." in (
        console.export_text()
    )


async def test_a_vote_past_the_last_item_sends_nothing_and_says_so(digest: Digest) -> None:
    adapter, console = make_adapter(digest, "fire 4\n")
    core = FakeCore()
    await post_digest(adapter, digest)

    await serve(adapter, core)

    assert core.votes == []
    assert "There is no item 4 to vote on" in console.export_text()


async def test_a_vote_on_a_digest_shown_by_papers_today_targets_the_posted_item(
    digest: Digest,
) -> None:
    """The core's reply carries the messages the digest went out as, from any run."""
    adapter, console = make_adapter(digest, "/papers today\n+1 3\n")
    header = PostedMessage(digest.channel, "h1", digest.id, MessageRole.HEADER)
    items = [
        PostedMessage(digest.channel, f"i{item.rank}", digest.id, MessageRole.ITEM, item.paper_id)
        for item in digest.items
    ]
    core = FakeCore(Reply(ReplyKind.DIGEST, "", digest=digest, posts=(header, *items)))
    other = Digest("console:local:general:2024-12-02", digest.channel, digest.date, "UTC", ())
    await post_digest(adapter, other)

    await serve(adapter, core)

    assert [v.message_id for v in core.votes] == ["i3"]
    assert "📰 Papers for Tuesday 3 December 2024" in console.export_text()


async def test_a_vote_on_a_shown_but_never_posted_item_sends_nothing(digest: Digest) -> None:
    adapter, console = make_adapter(digest, "/papers today\n-1 1\n")
    core = FakeCore(Reply(ReplyKind.DIGEST, "", digest=digest))

    await serve(adapter, core)

    assert core.votes == []
    assert (
        "Item 1 was only previewed; post the digest with /papers digest now, then vote on it."
        in (console.export_text())
    )


async def test_with_only_the_header_posted_a_plus_one_becomes_a_keycap_vote(
    digest: Digest,
) -> None:
    adapter, _ = make_adapter(digest, "+1 2\nfire 2\n")
    core = FakeCore()
    [header] = await post_digest(adapter, digest, items=False)

    await serve(adapter, core)

    assert core.votes == [
        Vote(digest.channel, message_id=header.message_id, user_id="local", emoji="keycap:2")
    ]


async def test_an_unknown_line_gets_a_hint_and_blank_lines_are_ignored(digest: Digest) -> None:
    adapter, console = make_adapter(digest, "\n   \nhello bot\n")
    core = FakeCore()

    await serve(adapter, core)

    lines = console.export_text().splitlines()
    assert lines[-1] == HINT
    assert lines.count(HINT) == 1
    assert core.commands == []


@pytest.mark.parametrize("word", ["quit", "exit", "QUIT"])
async def test_quit_ends_start_before_later_lines(digest: Digest, word: str) -> None:
    adapter, _ = make_adapter(digest, f"{word}\n/papers help\n")
    core = FakeCore()

    await serve(adapter, core)

    assert core.commands == []


async def test_a_failing_command_prints_one_sentence_logs_it_and_carries_on(
    digest: Digest,
) -> None:
    adapter, console = make_adapter(digest, "/papers today\n/papers help\n")
    core = FakeCore()
    core.fail_commands = True

    with capture_logs() as logs:
        await serve(adapter, core)

    text = console.export_text()
    assert text.count(COMMAND_FAILED) == 2
    assert "database is locked" not in text
    assert "Traceback" not in text
    assert [entry["event"] for entry in logs] == ["console_command_failed"] * 2
    assert logs[0]["text"] == "today"


async def test_a_failing_vote_prints_one_sentence(digest: Digest) -> None:
    adapter, console = make_adapter(digest, "+1 1\n")
    await post_digest(adapter, digest)
    core = FakeCore()
    core.fail_votes = True

    with capture_logs() as logs:
        await serve(adapter, core)

    assert VOTE_FAILED in console.export_text()
    assert [entry["event"] for entry in logs] == ["console_vote_failed"]


async def test_stop_ends_an_interactive_start_waiting_on_input(digest: Digest) -> None:
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd) as reader:
        adapter = ConsoleAdapter(
            digest.channel,
            mode_line=MODE_LINE,
            console=Console(file=io.StringIO()),
            input_stream=reader,
            interactive=True,
        )
        task = asyncio.create_task(adapter.start(FakeCore()))
        reading = lambda: any(t.name == "console-input" for t in threading.enumerate())  # noqa: E731
        await eventually(reading, what="the console reading its input")
        assert not task.done()

        await adapter.stop()
        await asyncio.wait_for(task, timeout=5)

        os.close(write_fd)
        for thread in threading.enumerate():
            if thread.name == "console-input":
                thread.join(timeout=5)


async def test_interactive_posts_are_drawn_with_items_under_the_header(digest: Digest) -> None:
    adapter, console = make_adapter(digest)

    refs = await post_digest(adapter, digest)

    text = console.export_text()
    assert "📰 Papers for Tuesday 3 December 2024" in text
    assert text.count("Paper page · arXiv · PDF · Code") == 3
    assert [ref.message_id for ref in refs] == [
        f"{digest.id}:header",
        f"{digest.id}:item:1",
        f"{digest.id}:item:2",
        f"{digest.id}:item:3",
    ]
    assert refs[0].thread_id is None
    assert {ref.thread_id for ref in refs[1:]} == {refs[0].message_id}


async def test_items_posted_in_the_channel_have_no_thread(
    digest: Digest, item_factory: MakeItem
) -> None:
    adapter, _ = make_adapter(digest)
    message = OutgoingMessage("item:1", MessageRole.ITEM, digest, item_factory(1))

    ref = await adapter.post(digest.channel, message)

    assert ref == PostRef(digest.channel, f"{digest.id}:item:1", None)


async def test_without_a_terminal_it_is_headless(digest: Digest) -> None:
    adapter, _ = make_adapter(digest, "/papers help\n", interactive=None)

    assert adapter.interactive is False


async def test_headless_start_waits_for_stop_and_reads_nothing(digest: Digest) -> None:
    adapter, console = make_adapter(digest, "/papers help\n", interactive=False)
    core = FakeCore()

    task = asyncio.create_task(adapter.start(core))
    await eventually(lambda: HEADLESS_NOTE in console.export_text(clear=False), what="the note")
    assert not task.done()
    await adapter.stop()
    await asyncio.wait_for(task, timeout=5)

    assert core.commands == []
    assert console.export_text().splitlines() == [MODE_LINE, HEADLESS_NOTE]


async def test_headless_posts_are_logged_one_line_each_not_drawn(digest: Digest) -> None:
    adapter, console = make_adapter(digest, interactive=False)

    with capture_logs() as logs:
        refs = await post_digest(adapter, digest)

    assert console.export_text() == ""
    assert [(e["event"], e["rank"], e["title"]) for e in logs] == [
        ("console_post", None, "📰 Papers for Tuesday 3 December 2024"),
        ("console_post", 1, "Paper number 1"),
        ("console_post", 2, "Paper number 2"),
        ("console_post", 3, "Paper number 3"),
    ]
    assert {e["channel"] for e in logs} == {"console:local:general"}
    assert {e["digest_id"] for e in logs} == {digest.id}
    assert [e["message_id"] for e in logs] == [ref.message_id for ref in refs]
