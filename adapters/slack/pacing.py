"""Posting at Slack's pace: one message per second per channel, within a workspace budget.

Slack limits chat.postMessage to about one message per second per channel, with bursts
"not guaranteed", plus a workspace-wide limit it does not publish. Slack counts the
messages as they arrive, and a request may spend longer in a busy event loop or on the way
than the one after it, so a channel's next message is sent a whole interval after Slack
answered the one before (which had arrived by then): the gap Slack sees is never shorter,
whatever the delays. A rate limiter that spaces the sends (aiolimiter's, say) cannot
promise that. Posts to one channel take their turns one at a time, so a digest, a recap and a
resumed digest in the same channel share its pace.

Each workspace may get a budget of messages per minute (a setting; none by default), an
aiolimiter bucket across its channels. A 429 that still comes holds its channel for the
`Retry-After`; the retry then takes its turn like any post.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from aiolimiter import AsyncLimiter

from bot.models import ChannelRef


@dataclass
class _ChannelTurns:
    """One channel's queue of posts and the earliest the next may be sent."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0


class SlackPace:
    """The turn of each post: its channel's place and pace, its workspace's budget."""

    def __init__(
        self,
        per_second: float,
        *,
        workspace_per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`per_second` messages per channel; at most `workspace_per_minute` per workspace
        (None: only Slack's 429s say when a workspace is busy)."""
        self._interval = 1 / per_second
        self._workspace_per_minute = workspace_per_minute
        self._clock = clock
        self._channels: dict[str, _ChannelTurns] = {}
        self._workspaces: dict[str, AsyncLimiter] = {}

    @contextlib.asynccontextmanager
    async def turn(self, channel: ChannelRef) -> AsyncIterator[None]:
        """Wait until one message may go to `channel`; `async with` it around the call, so
        the next waits a whole interval after its answer."""
        turns = self._channels.setdefault(channel.key, _ChannelTurns())
        async with turns.lock:
            wait = turns.next_at - self._clock()  # only a turn in this channel moves it
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                async with self._workspace_budget(channel.workspace):
                    yield
            finally:
                turns.next_at = max(turns.next_at, self._clock() + self._interval)

    def hold(self, channel: ChannelRef, seconds: float) -> None:
        """Slack answered 429 for `channel`: nothing goes there for `seconds` (its Retry-After)."""
        turns = self._channels.setdefault(channel.key, _ChannelTurns())
        turns.next_at = max(turns.next_at, self._clock() + seconds)

    def _workspace_budget(self, workspace: str) -> contextlib.AbstractAsyncContextManager[None]:
        if self._workspace_per_minute is None:
            return contextlib.nullcontext()
        limiter = self._workspaces.get(workspace)
        if limiter is None:
            limiter = self._workspaces[workspace] = AsyncLimiter(self._workspace_per_minute, 60.0)
        return limiter
