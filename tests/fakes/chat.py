"""A chat adapter that keeps what it is asked to post, for testing the core's outbox."""

from __future__ import annotations

import itertools

from bot.models import ChannelRef, OutgoingMessage, PostRef
from bot.ports import ChannelUnavailable, Core


class RecordingAdapter:
    """Posts nothing anywhere: remembers each message and gives it a fresh id.

    `fail_after` makes the n-th post onward raise ChannelUnavailable, like a platform that
    removed the bot mid-digest; `crash_after` raises RuntimeError, like a process dying.
    """

    def __init__(self, platform: str = "console") -> None:
        self.platform = platform
        self.posted: list[tuple[str, OutgoingMessage]] = []
        self.fail_after: int | None = None
        self.crash_after: int | None = None
        self._ids = itertools.count(1)

    async def start(self, core: Core) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    async def post(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        """Record the message; fail as configured."""
        if self.fail_after is not None and len(self.posted) >= self.fail_after:
            raise ChannelUnavailable("the bot was removed from this channel")
        if self.crash_after is not None and len(self.posted) >= self.crash_after:
            raise RuntimeError("process died")
        self.posted.append((channel.key, message))
        thread = message.thread.message_id if message.thread else None
        return PostRef(channel, f"m{next(self._ids)}", thread_id=thread)

    @property
    def keys(self) -> list[str]:
        """The outbox keys of everything posted, in order."""
        return [message.key for _, message in self.posted]
