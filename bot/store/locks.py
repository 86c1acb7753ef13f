"""Work that one replica at a time does: PostgreSQL advisory locks, by name.

Several `papers-bot run` replicas share one PostgreSQL database; the fetch job runs on
every replica's scheduler, and one of them should fetch while the others reuse what it
stored. `exclusively(name)` takes a session-level advisory lock for as long as its block
runs, without waiting: the replica that does not get it is told so and skips the work.
Migrations take their own lock (`MIGRATION_LOCK`, see migrations/env.py) and wait for it
instead, so a replica starting while another migrates waits and then finds nothing to do.

SQLite is one process's database: there, every block is exclusive already.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from bot.store.connection import StoreBase


def lock_key(name: str) -> int:
    """The advisory lock key of a named piece of work: a stable number from its name."""
    return zlib.crc32(f"papers-bot:{name}".encode())


MIGRATION_LOCK = lock_key("migrate")


class LocksMixin(StoreBase):
    """Named work that one replica does at a time."""

    @asynccontextmanager
    async def exclusively(self, name: str) -> AsyncIterator[bool]:
        """Yield True when this replica holds the lock `name` for the block (taken without
        waiting), False when another replica holds it now."""
        if self._dialect != "postgresql":
            yield True
            return
        key = lock_key(name)
        async with self._read() as connection:
            taken = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            await connection.commit()
            if not taken:
                yield False
                return
            try:
                yield True
            finally:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                await connection.commit()
