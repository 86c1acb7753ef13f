"""Where the console channel's typed lines come from: a line editor at a terminal, or a
pipe or file read line by line.

At a terminal, `LineEditor` (prompt_toolkit) gives arrows, Home/End, Ctrl-L, Up for the
commands typed before (kept in a history file across runs) and Tab to complete subcommands,
and while it waits everything printed (replies, digests, log lines) appears above the
prompt. Piped or redirected input (`papers-bot run < commands.txt`) is read by a daemon
thread that feeds an asyncio queue, so a blocked `readline()` never stalls the event loop
nor keeps the process alive at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Final, Protocol, TextIO

import structlog
from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, NestedCompleter
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.patch_stdout import patch_stdout

from bot.grammar import WordTree, command_words

log = structlog.get_logger(__name__)

PROMPT: Final = "papers> "
CONSOLE_WORDS: Final = ("more", "quit", "exit", "+1", "-1", "fire")
"""What may be typed besides `/papers ...`: the next results, leaving, and votes."""


class LineSource(Protocol):
    """Typed lines, one at a time, until the input ends or `close()` is called."""

    def active(self) -> contextlib.AbstractContextManager[None]:
        """Hold the input (and, at a terminal, the screen) while lines are read."""
        ...

    async def read_line(self) -> str | None:
        """The next line; None once the input has ended or the source was closed."""
        ...

    def close(self) -> None:
        """Make a waiting `read_line` return None."""
        ...


class LineEditor:
    """A terminal's line editor: history, completion, and output printed above the prompt."""

    def __init__(
        self,
        history_path: Path | None,
        *,
        keys: Input | None = None,
        screen: Output | None = None,
    ) -> None:
        """Edit lines at the terminal (or, in tests, read `keys` and draw to `screen`); the
        commands typed are kept in `history_path` when it can be written."""
        self._session: PromptSession[str] = PromptSession(
            PROMPT,
            history=_history(history_path),
            completer=command_completer(),
            complete_while_typing=False,
            input=keys,
            output=screen,
        )

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """While lines are read, whatever is printed to stdout or stderr appears above the
        prompt instead of through it."""
        with patch_stdout(raw=True):
            yield

    async def read_line(self) -> str | None:
        """The next line typed; None when the person leaves with Ctrl-D or Ctrl-C."""
        try:
            return await self._session.prompt_async()
        except (EOFError, KeyboardInterrupt):
            return None

    @property
    def waiting(self) -> bool:
        """Whether the prompt is up, waiting for a line."""
        return self._session.app.is_running

    def close(self) -> None:
        """Take down the prompt, so a waiting `read_line` returns None."""
        if self.waiting:
            self._session.app.exit(exception=EOFError())


class PipedLines:
    """Lines of a pipe or file, read by a daemon thread."""

    def __init__(self, stream: TextIO) -> None:
        """Read `stream` once `active()` is entered."""
        self._stream = stream
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Start the reading thread on the running event loop."""
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, args=(loop,), name="console-input", daemon=True).start()
        yield

    async def read_line(self) -> str | None:
        """The next line read; None at the end of the input or after `close()`."""
        return await self._lines.get()

    def close(self) -> None:
        """Make a waiting `read_line` return None."""
        self._lines.put_nowait(None)

    def _read(self, loop: asyncio.AbstractEventLoop) -> None:
        """Thread body: forward each line to the loop; EOF or a read error ends it."""
        try:
            for line in iter(self._stream.readline, ""):
                loop.call_soon_threadsafe(self._lines.put_nowait, line)
        except RuntimeError:
            return  # the event loop is closed: the app has shut down
        except (OSError, ValueError) as exc:
            log.warning("console_input_failed", error=str(exc))
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._lines.put_nowait, None)


def command_completer() -> Completer:
    """What Tab completes: `/papers` (or `papers`), then the grammar's subcommands and their
    words, and the console's own words."""
    subcommands: WordTree = command_words()
    words: dict[str, WordTree | None] = {"/papers": subcommands, "papers": subcommands}
    words.update(dict.fromkeys(CONSOLE_WORDS))
    return NestedCompleter.from_nested_dict(words)


def is_terminal(stream: TextIO | None) -> bool:
    """Whether `stream` is an open terminal (False for None, pipes, files and closed streams)."""
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


def is_piped(stream: TextIO | None) -> bool:
    """Whether `stream` is a pipe or a regular file, i.e. input someone means the bot to
    read (not /dev/null, a closed stream or an object without a file descriptor)."""
    try:
        mode = os.fstat(stream.fileno()).st_mode if stream is not None else 0
    except (AttributeError, OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def _history(path: Path | None) -> History:
    """The commands typed in earlier runs, kept in `path`; in memory only (with one log
    line) when that file can't be written."""
    if path is None:
        return InMemoryHistory()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as error:
        log.warning("console_history_unavailable", path=str(path), error=error.strerror)
        return InMemoryHistory()
    return FileHistory(path)
