"""Posting at Slack's pace: about one message per second per channel, short bursts allowed.

Slack limits chat.postMessage to roughly one message per second per channel. A digest is a
header and up to ten papers, so each channel gets its own leaky bucket (aiolimiter): a burst
of a few messages goes at once, the rest at the configured rate. 429 answers that still
happen are retried by slack_sdk's rate-limit retry handler after their Retry-After.
"""

from __future__ import annotations

from aiolimiter import AsyncLimiter

DEFAULT_BURST = 3


class ChannelPacer:
    """One AsyncLimiter per channel, created on first use."""

    def __init__(self, per_second: float, burst: int = DEFAULT_BURST) -> None:
        """`per_second` messages on average, at most `burst` at once, per channel."""
        self._burst = burst
        self._period = burst / per_second
        self._limiters: dict[str, AsyncLimiter] = {}

    def limiter(self, channel_key: str) -> AsyncLimiter:
        """The limiter of one channel; `async with` it around each post."""
        limiter = self._limiters.get(channel_key)
        if limiter is None:
            limiter = AsyncLimiter(self._burst, self._period)
            self._limiters[channel_key] = limiter
        return limiter
