"""`papers-bot run` at a terminal (a pseudo-terminal here): keys edit the line before it is
sent, Up brings back the last command from the history file, and Ctrl-D leaves."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import struct
import termios
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.databases import no_database_part
from tests.e2e.conftest import BotEnv
from tests.fakes import eventually

LEFT, UP = b"\x1b[D", b"\x1b[A"
BACKSPACE, ENTER, CTRL_D = b"\x7f", b"\r", b"\x04"
CURSOR_QUERY, CURSOR_ANSWER = b"\x1b[6n", b"\x1b[1;1R"
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
NOTHING_STORED = "No recent papers are stored yet"


class Terminal:
    """The far side of the bot's terminal: what it drew (escape sequences removed) and the
    keys to send it. Answers the cursor-position queries a terminal answers."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.drawn = b""
        asyncio.get_running_loop().add_reader(fd, self._read)

    def _read(self) -> None:
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the bot closed its side
            asyncio.get_running_loop().remove_reader(self.fd)
            return
        if CURSOR_QUERY in chunk:
            os.write(self.fd, CURSOR_ANSWER)
        self.drawn += chunk

    @property
    def text(self) -> str:
        """What a person would read, without colours and cursor moves."""
        return ESCAPES.sub("", self.drawn.decode(errors="replace"))

    def type(self, keys: bytes) -> None:
        """Send keys as the keyboard would."""
        os.write(self.fd, keys)


@asynccontextmanager
async def bot_at_terminal(
    bot_env: BotEnv,
) -> AsyncIterator[tuple[asyncio.subprocess.Process, Terminal]]:
    """`papers-bot run` with a 40x120 pseudo-terminal as stdin, stdout and stderr."""
    ours, theirs = pty.openpty()
    fcntl.ioctl(theirs, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = await asyncio.create_subprocess_exec(
        *bot_env.command("run"),
        cwd=bot_env.workdir,
        env={**bot_env.env, "TERM": "xterm"},
        stdin=theirs,
        stdout=theirs,
        stderr=theirs,
        start_new_session=True,
    )
    os.close(theirs)
    terminal = Terminal(ours)
    try:
        yield process, terminal
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        asyncio.get_running_loop().remove_reader(ours)
        os.close(ours)


@no_database_part
async def test_keys_edit_the_line_up_repeats_it_and_ctrl_d_leaves(bot_env: BotEnv) -> None:
    history = bot_env.console_history
    async with bot_at_terminal(bot_env) as (process, terminal):
        await eventually(lambda: "papers>" in terminal.text, seconds=30)

        terminal.type(b"/papers todxay" + LEFT + LEFT + BACKSPACE + ENTER)
        await eventually(lambda: NOTHING_STORED in terminal.text, seconds=10)
        terminal.type(UP + ENTER)
        await eventually(lambda: terminal.text.count(NOTHING_STORED) == 2, seconds=10)
        terminal.type(CTRL_D)
        code = await asyncio.wait_for(process.wait(), 30)

    assert code == 0
    assert "hidden or control character" not in terminal.text
    assert "Traceback" not in terminal.text
    assert (
        history.read_text(encoding="utf-8").count("+/papers today\n") == 1
    )  # a repeat is kept once
