"""The console channel: the bot in a terminal, the embedded default that needs no token.

Interactive (stdin is a terminal): digests are drawn with rich as they are posted, and the
person at the keyboard types `/papers ...` commands and votes such as `+1 2`. Headless (no
terminal, e.g. a container): each post becomes one structured log line instead, and
`start()` simply waits for `stop()`.

Input is read by a daemon thread that feeds an asyncio queue, so a blocked `readline()`
never stalls the event loop nor keeps the process alive at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, TextIO

import structlog
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from adapters.console.render import (
    MAX_TITLE_CHARS,
    clean,
    render_header,
    render_item,
    render_recap,
    render_reply,
)
from bot.models import (
    ChannelRef,
    Command,
    Digest,
    DigestItem,
    MessageRole,
    OutgoingMessage,
    PostRef,
    Recap,
    Reply,
    ReplyKind,
    Vote,
    VoteOutcome,
)
from bot.ports import Core
from bot.wording import headline

log = structlog.get_logger(__name__)

MORE = "more"
"""Typed alone, the next results of the last search (`/papers more`)."""

USER_ID: Final = "local"
HINT: Final = "Type /papers help, or +1 N to vote on item N."
COMMAND_FAILED: Final = "Something went wrong running that command."
VOTE_FAILED: Final = "Something went wrong recording that vote."

_COMMAND = re.compile(r"/?papers(?:\s+(?P<rest>.*))?", re.IGNORECASE | re.DOTALL)
_VOTE = re.compile(r"(?P<emoji>\+1|-1|fire)\s+#?(?P<rank>\d{1,3})", re.IGNORECASE)
_QUIT = frozenset({"quit", "exit"})
_STOP: Final = object()


class ConsoleAdapter:
    """A ChatAdapter for one local channel (`console:local:NAME`) in the terminal."""

    platform: str = "console"

    def __init__(
        self,
        channel: ChannelRef,
        *,
        mode_line: str,
        console: Console | None = None,
        input_stream: TextIO | None = None,
        interactive: bool | None = None,
    ) -> None:
        """Set up the channel; `interactive` None means "when the input stream is a TTY"."""
        self.channel = channel
        self._mode_line = mode_line
        self._console = console or Console()
        self._input = input_stream if input_stream is not None else sys.stdin
        self._interactive = _is_tty(self._input) if interactive is None else interactive
        self._lines: asyncio.Queue[object] = asyncio.Queue()
        self._stopped = asyncio.Event()
        self._posted_by_paper: dict[str, str] = {}
        self._headers: dict[str, str] = {}
        self._targets: dict[int, _Target] = {}

    @property
    def interactive(self) -> bool:
        """Whether this console reads commands and draws messages (else it logs posts)."""
        return self._interactive

    async def start(self, core: Core) -> None:
        """Print the mode line, then serve typed lines until quit, EOF or `stop()`."""
        self._console.print(Text(self._mode_line), soft_wrap=True)
        if not self._interactive or self._stopped.is_set():
            await self._stopped.wait()
            return
        self._console.print(Text(f"{HINT} Type quit to leave.", style="dim"))
        loop = asyncio.get_running_loop()
        threading.Thread(
            target=self._read_lines, args=(loop,), name="console-input", daemon=True
        ).start()
        while not self._stopped.is_set():
            line = await self._lines.get()
            if not isinstance(line, str) or not await self._handle_line(core, line):
                return

    async def stop(self) -> None:
        """Make `start()` return once the line in hand, if any, is handled."""
        self._stopped.set()
        self._lines.put_nowait(_STOP)

    async def post(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        """Draw (or, headless, log) one digest message and remember items for voting."""
        digest = message.digest
        message_id = f"{digest.id}:{message.key}"
        thread_id = message.thread.message_id if message.thread else None
        item = message.item if message.role is MessageRole.ITEM else None
        if item is None:
            self._headers[digest.id] = message_id
        else:
            self._posted_by_paper[item.paper_id] = message_id
        self._remember(digest, self._headers.get(digest.id), self._posted_by_paper)
        if self._interactive:
            renderable = render_header(digest) if item is None else render_item(item)
            self._console.print(Padding(renderable, (0, 0, 0, 4)) if thread_id else renderable)
        else:
            log.info(
                "console_post",
                channel=channel.key,
                digest_id=digest.id,
                message_id=message_id,
                role=str(message.role),
                rank=item.rank if item else None,
                title=clean(item.title if item else headline(digest), MAX_TITLE_CHARS),
            )
        return PostRef(channel=channel, message_id=message_id, thread_id=thread_id)

    async def post_recap(self, channel: ChannelRef, recap: Recap) -> PostRef:
        """Draw (or, headless, log) the weekly recap as a text bar chart."""
        if self._interactive:
            self._console.print(render_recap(recap))
        else:
            log.info(
                "console_recap",
                channel=channel.key,
                recap_id=recap.id,
                papers=[clean(entry.title, MAX_TITLE_CHARS) for entry in recap.entries],
                votes=[entry.votes for entry in recap.entries],
            )
        return PostRef(channel=channel, message_id=recap.id)

    def _read_lines(self, loop: asyncio.AbstractEventLoop) -> None:
        """Thread body: forward each input line to the loop; EOF or a read error ends it."""
        try:
            for line in iter(self._input.readline, ""):
                loop.call_soon_threadsafe(self._lines.put_nowait, line)
        except RuntimeError:
            return  # the event loop is closed: the app has shut down
        except (OSError, ValueError) as exc:
            log.warning("console_input_failed", error=str(exc))
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._lines.put_nowait, _STOP)

    async def _handle_line(self, core: Core, raw: str) -> bool:
        """Act on one typed line; False when the person asked to leave."""
        line = raw.strip()
        if not line:
            return True
        if line.lower() in _QUIT:
            return False
        if line.lower() == MORE:
            await self._run_command(core, MORE)
        elif command := _COMMAND.fullmatch(line):
            await self._run_command(core, (command.group("rest") or "").strip())
        elif vote := _VOTE.fullmatch(line):
            await self._vote(core, vote.group("emoji").lower(), int(vote.group("rank")))
        else:
            self._say(HINT)
        return True

    async def _run_command(self, core: Core, text: str) -> None:
        try:
            reply = await core.handle_command(Command(self.channel, user_id=USER_ID, text=text))
            self._console.print(render_reply(reply))
        except Exception:
            log.exception("console_command_failed", channel=self.channel.key, text=text[:200])
            self._say(COMMAND_FAILED)
            return
        self._remember_reply(reply)

    async def _vote(self, core: Core, emoji: str, rank: int) -> None:
        target = self._targets.get(rank)
        if target is None:
            self._say(f"There is no item {rank} to vote on; votes go to the last digest shown.")
            return
        vote = target.vote(self.channel, emoji)
        if vote is None:
            self._say(
                f"Item {rank} was only previewed; post the digest with /papers digest now, "
                "then vote on it."
            )
            return
        try:
            counted = await core.record_vote(vote)
        except Exception:
            log.exception(
                "console_vote_failed", channel=self.channel.key, message_id=vote.message_id
            )
            self._say(VOTE_FAILED)
            return
        title = clean(target.item.title, 80)
        if counted is VoteOutcome.HELD:
            self._say(
                f"The bot can't save votes right now; your {emoji} on item {rank} is kept "
                "and will be counted as soon as it can."
            )
        elif counted:
            self._say(f"Counted your {emoji} on item {rank}: {title}")
        else:
            self._say(f"Your {emoji} on item {rank} changed nothing; it may be counted already.")

    def _remember(
        self, digest: Digest, header: str | None, posted_by_paper: Mapping[str, str]
    ) -> None:
        """Make `digest` the one that `+1 N` votes on, with its header's and its posted
        items' message ids (none for a preview)."""
        self._targets = {
            item.rank: _Target(item, posted_by_paper.get(item.paper_id), header)
            for item in digest.items
        }

    def _remember_reply(self, reply: Reply) -> None:
        """A digest shown by a command is voted on through the messages it was posted as
        (in this run or another); a preview has none, so a vote on it says what to do."""
        if reply.kind is ReplyKind.DIGEST and reply.digest is not None and reply.digest.items:
            header = next((p.message_id for p in reply.posts if p.role is MessageRole.HEADER), None)
            items = {p.paper_id: p.message_id for p in reply.posts if p.paper_id is not None}
            self._remember(reply.digest, header, items)

    def _say(self, sentence: str) -> None:
        self._console.print(Text(sentence))


@dataclass(frozen=True, slots=True)
class _Target:
    """What `+1 N` votes on: item N, its posted message and its digest's posted header."""

    item: DigestItem
    item_message: str | None
    header_message: str | None

    def vote(self, channel: ChannelRef, emoji: str) -> Vote | None:
        """The vote on the item's message; a +1 falls back to keycap N on the header."""
        if self.item_message is not None:
            return Vote(channel, message_id=self.item_message, user_id=USER_ID, emoji=emoji)
        if self.header_message is not None and emoji == "+1" and 1 <= self.item.rank <= 10:
            keycap = f"keycap:{self.item.rank}"
            return Vote(channel, message_id=self.header_message, user_id=USER_ID, emoji=keycap)
        return None


def _is_tty(stream: TextIO | None) -> bool:
    """Whether `stream` is an open terminal (False for None, pipes, files and closed streams)."""
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False
