"""Save the data of a SQLite file deleted or replaced under the running bot.

The bot's open connections still hold the old file (and its write-ahead log), so its data
is not lost until the process exits: SQLite's online backup, run on one of those
connections, copies it to a new file beside the old path, for the operator to move back.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine


def rescue_path(path: Path, at: datetime) -> Path:
    """Where the copy of `path` taken at `at` goes: `NAME.rescued-YYYYMMDDTHHMMSSZ` beside it."""
    return path.with_name(f"{path.name}.rescued-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}")


async def rescue_copy(engine: AsyncEngine, path: Path) -> Path:
    """Copy the database `engine`'s pooled connection holds into a new file beside `path`;
    returns the copy's path. Raises sqlite3.Error or OSError when it cannot."""
    target = rescue_path(path, datetime.now(UTC))
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        copy = sqlite3.connect(target, check_same_thread=False)
        try:
            await raw.driver_connection.backup(copy)
        finally:
            copy.close()
    return target
