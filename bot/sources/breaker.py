"""Knowing at once that an upstream can't be reached: one circuit breaker per upstream.

A connection that cannot be made (refused, no route, a name that does not resolve, a connect
timeout) says the host or the network is down, not that the server is busy: retrying it like
a 503 only makes every caller wait. The first such failure opens the breaker: the upstream
is marked unreachable with one log line, and every call fails at once, without touching the
network, for `half_open_after` seconds. Then the breaker half-opens: one call goes out as a
trial (the others keep failing at once for another window); a connection made closes the
breaker (one line: reachable again), one that can't be made keeps it open.

Written here rather than taken from PyPI: the breakers there (pybreaker, circuitbreaker,
purgatory) count every exception of a wrapped call and run on the wall clock, where this
one must count connection failures only, say each change in one structured line, and take
a clock tests can move.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

log = structlog.get_logger(__name__)

HALF_OPEN_AFTER_SECONDS = 30.0
"""How long an unreachable upstream is not asked at all before one call tries it again."""


class Breaker:
    """The reachability of one upstream (`name` as in the logs: "hf", "arxiv")."""

    def __init__(
        self,
        name: str,
        *,
        half_open_after: float = HALF_OPEN_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._half_open_after = half_open_after
        self._clock = clock
        self._window_start: float | None = None
        self._reason = ""

    @property
    def reason(self) -> str:
        """Why the last connection failed (e.g. "ConnectError: connection refused"); "" while
        the upstream is reachable."""
        return self._reason

    def admits(self) -> bool:
        """Whether a call may go out now: always while closed; once per window while open
        (that call is the half-open trial)."""
        if self._window_start is None:
            return True
        if self._clock() - self._window_start < self._half_open_after:
            return False
        self._window_start = self._clock()
        return True

    def connected(self) -> None:
        """A connection was made (whatever the server answered): close the breaker."""
        if self._window_start is not None:
            log.info("upstream_reachable_again", upstream=self.name)
        self._window_start = None
        self._reason = ""

    def unreachable(self, reason: str) -> None:
        """A connection could not be made: open the breaker (said once per outage)."""
        if self._window_start is None:
            log.warning(
                "upstream_unreachable",
                upstream=self.name,
                error=reason,
                retry_in=self._half_open_after,
            )
        self._window_start = self._clock()
        self._reason = reason
