"""The store's way to its database: the engine, and one connection each to read and to write.

`StoreBase` is what every table family's mixin builds on (see bot.store.repository). Its
`_read` and `_write` turn a database that cannot work now (see `is_unavailable`) into
StoreUnavailable, and `_write` refuses once the SQLite file is gone from its path, after
copying its data out (see bot.store.rescue).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import structlog
from sqlalchemy import literal, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store import dialect
from bot.store.availability import (
    DatabaseFileGone,
    SqliteFile,
    StoreUnavailable,
    brief,
    is_unavailable,
)
from bot.store.rescue import rescue_copy
from bot.store.tables import heartbeat
from bot.store.values import utc
from bot.store.word_cache import WordCache

log = structlog.get_logger(__name__)


class StoreBase:
    """The engine, and the connections through which every table family reads and writes.

    A write that fails because the database cannot work now is remembered in
    `write_failure` until a write succeeds again.
    """

    def __init__(self, engine: AsyncEngine, file: SqliteFile | None = None) -> None:
        """Wrap an engine already configured by `dialect.configure_engine` (see `open_store`);
        `file` is the SQLite file to watch, if any."""
        self._engine = engine
        self._writer = engine.execution_options(**{dialect.WRITE_OPTION: True})
        self._dialect = engine.dialect.name
        self._file = file
        self._file_gone: str | None = None
        self._word_cache = WordCache()
        self.write_failure: str | None = None
        """Why the last write failed, while no write has succeeded since; else None."""

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        """A connection in one write transaction, committed when the block ends; raises
        StoreUnavailable when the database cannot take the write now."""
        try:
            await self._check_file()
            async with self._writer.begin() as connection:
                yield connection
        except Exception as error:
            if not is_unavailable(error):
                raise
            raise self._write_failed(error) from error
        if self.write_failure is not None:
            log.info("database_writable_again", after=self.write_failure)
            self.write_failure = None

    async def _check_file(self) -> None:
        """Refuse to write once the SQLite file is gone from its path. The first time, its
        data is copied out (see bot.store.rescue) and the reason says where to."""
        if self._file is None:
            return
        if self._file_gone is not None:
            raise DatabaseFileGone(self._file_gone)
        try:
            self._file.check()
        except DatabaseFileGone as gone:
            try:
                copy = await rescue_copy(self._engine, self._file.path)
            except (sqlite3.Error, OSError, SQLAlchemyError) as error:
                log.warning("database_rescue_failed", error=brief(error))
                self._file_gone = str(gone)
            else:
                log.warning("database_rescued", copy=str(copy))
                self._file_gone = (
                    f"{gone}; its data was saved to {copy}: stop the bot, move that file "
                    f"to {self._file.path} and start it again"
                )
            raise DatabaseFileGone(self._file_gone) from None

    def _write_failed(self, error: BaseException) -> StoreUnavailable:
        """Remember why a write failed, logging only the first failure in a row."""
        reason = str(error) if isinstance(error, StoreUnavailable) else brief(error)
        if self.write_failure is None:
            log.warning("database_write_failed", error=reason)
        self.write_failure = reason
        return StoreUnavailable(reason)

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reading; raises StoreUnavailable when the database cannot be read
        now."""
        try:
            async with self._engine.connect() as connection:
                yield connection
        except Exception as error:
            if not is_unavailable(error) or isinstance(error, StoreUnavailable):
                raise
            raise StoreUnavailable(brief(error)) from error

    async def close(self) -> None:
        """Close every pooled connection."""
        await self._engine.dispose()

    async def ping(self) -> None:
        """Run `SELECT 1`; raises StoreUnavailable when the database cannot be reached."""
        async with self._read() as connection:
            await connection.execute(select(literal(1)))

    async def check_writable(self, *, at: datetime) -> None:
        """Prove the database takes a write now, or raise StoreUnavailable saying why.

        The SQLite file must still be the one opened, with room on its disk, and the
        heartbeat row is written and committed: a ping alone passes on a read-only or
        full disk.
        """
        await self._check_file()
        if self._file is not None:
            self._file.check_room()
        statement = dialect.upsert(heartbeat, self._dialect, keys=["id"], update=["beat_at"])
        async with self._write() as connection:
            await connection.execute(statement, {"id": 1, "beat_at": utc(at)})
