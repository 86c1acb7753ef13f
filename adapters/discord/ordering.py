"""Per-key ordering for gateway events: one asyncio.Lock per key, only while it is in use.

discord.py runs each event's handler as its own task, so a reaction added and removed at
once are handled concurrently; whichever reaches the core first wins. Handlers that hold
`KeyedLocks.hold(key)` for the whole of their work are applied in the order the gateway
sent them (asyncio.Lock wakes its waiters first come, first served). A key's lock is
dropped as soon as nobody holds or waits for it, so the map holds only the keys with
handlers in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class KeyedLocks(Generic[K]):
    """A lock per key, created on first use and dropped when idle."""

    def __init__(self) -> None:
        self._locks: dict[K, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        """How many keys have a handler holding or waiting for their lock."""
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, key: K) -> AsyncIterator[None]:
        """Hold `key`'s lock, after every earlier holder of the same key.

        The waiter is queued before the first suspension, so tasks that call this first
        thing get the lock in the order they started.
        """
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
