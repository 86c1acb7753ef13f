"""The console at a terminal: keys edit the line before it is sent, Up brings back earlier
commands (also those of an earlier run), Tab completes subcommands, and piped input is read
line by line. prompt_toolkit itself reads the keys, from a pipe instead of a keyboard."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from adapters.console import ConsoleAdapter
from adapters.console.adapter import reads_commands
from adapters.console.lines import LineEditor, command_completer
from bot.models import Command, Digest, Reply, ReplyKind
from tests.adapters.console.test_adapter import MODE_LINE, FakeCore
from tests.fakes import eventually

LEFT, HOME, END, UP = "\x1b[D", "\x1b[H", "\x1b[F", "\x1b[A"
BACKSPACE, ENTER, CTRL_D, CTRL_L = "\x7f", "\r", "\x04", "\x0c"


@pytest.fixture
def keys() -> Iterator[PipeInput]:
    """Keys for prompt_toolkit to read, as a terminal would send them."""
    with create_pipe_input() as pipe:
        yield pipe


def at_terminal(
    digest: Digest, keys: PipeInput, history: Path
) -> tuple[ConsoleAdapter, LineEditor, Console]:
    """An adapter whose line editor reads `keys` and keeps its history in `history`."""
    console = Console(file=io.StringIO(), record=True, width=100, force_terminal=False)
    editor = LineEditor(history, keys=keys, screen=DummyOutput())
    adapter = ConsoleAdapter(
        digest.channel, mode_line=MODE_LINE, console=console, line_editor=editor
    )
    return adapter, editor, console


async def serve(adapter: ConsoleAdapter, core: FakeCore) -> None:
    """Run start() until the keys say leave, failing the test if it hangs."""
    await asyncio.wait_for(adapter.start(core), timeout=10)


async def test_arrows_home_end_and_backspace_edit_the_line_before_it_is_sent(
    digest: Digest, keys: PipeInput, tmp_path: Path
) -> None:
    adapter, _, console = at_terminal(digest, keys, tmp_path / "history")
    core = FakeCore(Reply(ReplyKind.TEXT, "Done."))
    keys.send_text(f"/papers todxay{LEFT}{LEFT}{BACKSPACE}{ENTER}")
    keys.send_text(f"search diffusion{CTRL_L}{HOME}/papers {END} models{ENTER}")
    keys.send_text(CTRL_D)

    await serve(adapter, core)

    assert [command.text for command in core.commands] == ["today", "search diffusion models"]
    assert "hidden or control character" not in console.export_text()


async def test_up_brings_back_the_commands_of_an_earlier_run(
    digest: Digest, keys: PipeInput, tmp_path: Path
) -> None:
    history = tmp_path / "history"
    first, _, _ = at_terminal(digest, keys, history)
    keys.send_text(f"/papers settings{ENTER}{CTRL_D}")
    await serve(first, FakeCore())
    core = FakeCore()
    with create_pipe_input() as later_keys:
        again, editor, _ = at_terminal(digest, later_keys, history)
        task = asyncio.create_task(serve(again, core))
        await eventually(lambda: editor.waiting)
        later_keys.send_text(f"{UP}{ENTER}{CTRL_D}")

        await task

    assert core.commands == [Command(digest.channel, user_id="local", text="settings")]
    assert "/papers settings" in history.read_text(encoding="utf-8")


async def test_a_history_file_that_cannot_be_written_leaves_history_in_memory(
    digest: Digest, keys: PipeInput, tmp_path: Path
) -> None:
    adapter, editor, _ = at_terminal(digest, keys, tmp_path / "missing-folder" / "history")
    core = FakeCore()
    task = asyncio.create_task(serve(adapter, core))
    keys.send_text(f"/papers help{ENTER}")
    await eventually(lambda: core.commands and editor.waiting)
    keys.send_text(f"{UP}{ENTER}{CTRL_D}")

    await task

    assert [command.text for command in core.commands] == ["help", "help"]


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("/papers sett", ["/papers settings"]),
        ("/papers su", ["/papers subscribe"]),
        ("/papers set la", ["/papers set layout"]),
        ("/papers set layout ", ["/papers set layout thread", "/papers set layout channel"]),
        ("/papers top ", ["/papers top day", "/papers top week", "/papers top month"]),
        ("/papers help fol", ["/papers help follow", "/papers help following"]),
        ("/pa", ["/papers"]),
        ("qu", ["quit"]),
    ],
)
def test_tab_offers_the_subcommands_and_their_words(typed: str, offered: list[str]) -> None:
    completions = command_completer().get_completions(Document(typed), CompleteEvent())

    completed = [typed[: len(typed) + c.start_position] + c.text for c in completions]
    assert completed == offered


async def test_stop_takes_down_a_prompt_waiting_for_keys(
    digest: Digest, keys: PipeInput, tmp_path: Path
) -> None:
    adapter, editor, _ = at_terminal(digest, keys, tmp_path / "history")
    task = asyncio.create_task(adapter.start(FakeCore()))
    await eventually(lambda: editor.waiting)

    await adapter.stop()

    await asyncio.wait_for(task, timeout=5)


def test_a_pipe_or_a_file_is_read_but_dev_null_is_not(tmp_path: Path) -> None:
    saved = tmp_path / "commands.txt"
    saved.write_text("/papers help\n", encoding="utf-8")

    with saved.open(encoding="utf-8") as file, open("/dev/null", encoding="utf-8") as nothing:
        assert reads_commands(file)
        assert not reads_commands(nothing)
    assert not reads_commands(io.StringIO("/papers help\n"))
