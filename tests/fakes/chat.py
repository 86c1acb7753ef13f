"""A chat adapter that keeps what it is asked to post, for testing the core's outbox."""

from __future__ import annotations

import asyncio
import itertools

from bot.models import ChannelRef, OutgoingMessage, PostRef, Recap
from bot.ports import ChannelUnavailable, Core


class RecordingAdapter:
    """Posts nothing anywhere: remembers each message and gives it a fresh id.

    `fail_after` makes the n-th post onward raise ChannelUnavailable, like a platform that
    removed the bot mid-digest; `crash_after` raises RuntimeError, like a process dying.
    `post_seconds` is each post's latency, and `posting` is set once a post has begun, so a
    test can act while a digest is being posted.
    """

    def __init__(self, platform: str = "console") -> None:
        self.platform = platform
        self.posted: list[tuple[str, OutgoingMessage]] = []
        self.recaps: list[tuple[str, Recap]] = []
        self.fail_after: int | None = None
        self.crash_after: int | None = None
        self.post_seconds = 0.0
        self.posting = asyncio.Event()
        self._ids = itertools.count(1)

    async def start(self, core: Core) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    async def post(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        """Record the message after `post_seconds`; fail as configured."""
        self.posting.set()
        await asyncio.sleep(self.post_seconds)
        self._fail_as_configured()
        self.posted.append((channel.key, message))
        thread = message.thread.message_id if message.thread else None
        return PostRef(channel, f"m{next(self._ids)}", thread_id=thread)

    async def post_recap(self, channel: ChannelRef, recap: Recap) -> PostRef:
        """Record the recap; fail as configured (recaps count with the other posts)."""
        self._fail_as_configured()
        self.recaps.append((channel.key, recap))
        return PostRef(channel, f"m{next(self._ids)}")

    def _fail_as_configured(self) -> None:
        sent = len(self.posted) + len(self.recaps)
        if self.fail_after is not None and sent >= self.fail_after:
            raise ChannelUnavailable("the bot was removed from this channel")
        if self.crash_after is not None and sent >= self.crash_after:
            raise RuntimeError("process died")

    @property
    def keys(self) -> list[str]:
        """The outbox keys of everything posted, in order."""
        return [message.key for _, message in self.posted]
