"""The console channel: the bot in a terminal, the embedded default that needs no token.

Interactive (stdin is a terminal, a pipe or a file): digests are drawn with rich as they are
posted, and each line read is a `/papers ...` command or a vote such as `+1 2`; at a
terminal with line editing and history (see lines.py). The end of the input leaves, like
`quit`. Headless (nothing to read, e.g. a container's /dev/null): each post becomes one
structured log line instead, and `start()` simply waits for `stop()`.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TextIO

import structlog
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from adapters.console.lines import LineEditor, LineSource, PipedLines, is_piped, is_terminal
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
HEADLESS_NOTE: Final = (
    "No terminal or piped input to read commands from, so each digest is written to the "
    "log; run papers-bot run in a terminal to try the commands."
)
COMMAND_FAILED: Final = "Something went wrong running that command."
VOTE_FAILED: Final = "Something went wrong recording that vote."

_COMMAND = re.compile(r"/?papers(?:\s+(?P<rest>.*))?", re.IGNORECASE | re.DOTALL)
_VOTE = re.compile(r"(?P<emoji>\+1|-1|fire)\s+#?(?P<rank>\d{1,3})", re.IGNORECASE)
_QUIT = frozenset({"quit", "exit"})


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
        history_path: Path | None = None,
        line_editor: LineEditor | None = None,
    ) -> None:
        """Set up the channel; `interactive` None means "when there is input to read"
        (`reads_commands`). At a terminal the commands typed are kept in `history_path`;
        `line_editor` replaces the terminal's (tests give one reading prepared keys)."""
        self.channel = channel
        self._mode_line = mode_line
        self._console = console or Console(markup=False, emoji=False, highlight=False)
        self._input = input_stream if input_stream is not None else sys.stdin
        self._line_editor = line_editor
        if interactive is None:
            interactive = line_editor is not None or reads_commands(self._input)
        self._interactive = interactive
        self._history_path = history_path
        self._source: LineSource | None = None
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
        if not self._interactive:
            self._console.print(Text(HEADLESS_NOTE), soft_wrap=True)
        if not self._interactive or self._stopped.is_set():
            await self._stopped.wait()
            return
        self._console.print(Text(f"{HINT} Type quit to leave.", style="dim"))
        self._source = self._line_source()
        with self._source.active():
            while not self._stopped.is_set():
                line = await self._source.read_line()
                if line is None or not await self._handle_line(core, line):
                    return

    async def stop(self) -> None:
        """Make `start()` return once the line in hand, if any, is handled."""
        self._stopped.set()
        if self._source is not None:
            self._source.close()

    def _line_source(self) -> LineSource:
        """The line editor at a terminal, else the input read line by line."""
        if self._line_editor is not None:
            return self._line_editor
        if is_terminal(self._input):
            return LineEditor(self._history_path)
        return PipedLines(self._input)

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


def reads_commands(stream: TextIO | None) -> bool:
    """Whether the console can read commands from `stream`: a terminal, a pipe or a file."""
    return is_terminal(stream) or is_piped(stream)
