"""A short-lived memory of search vocabulary look-ups (a word's forms, a word's paper count,
how many papers there are), so a search does not ask the database the same thing again.

The vocabulary only grows when papers are first stored: this process forgets everything
when it stores new papers, and an entry is trusted for TTL_SECONDS at most, so papers
another process stored count after a minute. Counts are estimates anyway (bot.store.words).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

TTL_SECONDS = 60.0
MAX_ENTRIES = 20_000
"""Past this many entries the memory starts afresh (a bound, not a policy)."""


class WordCache:
    """Values by key, each trusted for TTL_SECONDS (see the module docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, object]] = {}

    def get(self, key: Hashable) -> object | None:
        """The value remembered under `key`, or None when there is none or it is too old."""
        entry = self._entries.get(key)
        if entry is None or self._clock() - entry[0] > TTL_SECONDS:
            return None
        return entry[1]

    def put(self, key: Hashable, value: object) -> None:
        """Remember `value` under `key` from now on."""
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (self._clock(), value)

    def forget(self) -> None:
        """Forget everything (new papers were stored)."""
        self._entries.clear()
