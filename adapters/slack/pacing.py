"""Posting at Slack's pace: one message per second per channel, within a workspace budget.

Slack limits chat.postMessage to about one message per second per channel, with bursts
"not guaranteed", plus a workspace-wide limit it does not publish. Each channel gets a leaky
bucket of one (aiolimiter): its messages go out evenly spaced, never in a burst Slack may
refuse. The spacing is 5% wider than the limit, since Slack counts arrivals and a request
may take a few milliseconds less on the way than the one before it. Each workspace may get
a budget of messages per minute (a setting; none by default). A 429 that still comes holds
its channel for the `Retry-After`, and the retry takes a turn like any post, so the retry
and the messages after it keep the pace instead of being refused again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

from aiolimiter import AsyncLimiter

from bot.models import ChannelRef

SPACING_MARGIN = 1.05


class SlackPace:
    """The turn of each post: the channel's hold, its one-message bucket, the workspace's budget."""

    def __init__(
        self,
        per_second: float,
        *,
        workspace_per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`per_second` messages per channel, evenly spaced; at most `workspace_per_minute`
        per workspace (None: only Slack's 429s say when a workspace is busy)."""
        self._interval = SPACING_MARGIN / per_second
        self._workspace_per_minute = workspace_per_minute
        self._clock = clock
        self._channels: dict[str, AsyncLimiter] = {}
        self._workspaces: dict[str, AsyncLimiter] = {}
        self._held_until: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def turn(self, channel: ChannelRef) -> AsyncIterator[None]:
        """Wait until one message may go to `channel`; `async with` it around the call."""
        limiter = self._limiter(self._channels, channel.key, 1, self._interval)
        while True:
            held_for = self._held_until.get(channel.key, 0.0) - self._clock()
            if held_for > 0:
                await asyncio.sleep(held_for)
                continue
            await limiter.acquire()
            if self._held_until.get(channel.key, 0.0) <= self._clock():
                break  # else a 429 came while this post waited its turn: wait it out too
        if self._workspace_per_minute is None:
            yield
            return
        async with self._limiter(
            self._workspaces, channel.workspace, self._workspace_per_minute, 60.0
        ):
            yield

    def hold(self, channel: ChannelRef, seconds: float) -> None:
        """Slack answered 429 for `channel`: nothing goes there for `seconds` (its Retry-After)."""
        until = self._clock() + seconds
        self._held_until[channel.key] = max(self._held_until.get(channel.key, 0.0), until)

    @staticmethod
    def _limiter(
        limiters: dict[str, AsyncLimiter], key: str, rate: float, period: float
    ) -> AsyncLimiter:
        limiter = limiters.get(key)
        if limiter is None:
            limiter = limiters[key] = AsyncLimiter(rate, period)
        return limiter
