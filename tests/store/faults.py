"""Helpers for store tests: inject a database failure into one statement, count rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.tables import metadata


@contextmanager
def fail_once(statement_start: str, message: str = "database is locked") -> Iterator[list[str]]:
    """Make the next statement starting with `statement_start` fail as a busy or dropped
    database would (an OperationalError), on every engine; yields the statements failed.

    The failure happens inside the statement's transaction, after what ran before it.
    """
    failed: list[str] = []

    def fail(
        _connection: Any,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        if not failed and statement.lstrip().upper().startswith(statement_start.upper()):
            failed.append(statement)
            raise OperationalError(statement, parameters, Exception(message))

    event.listen(Engine, "before_cursor_execute", fail)
    try:
        yield failed
    finally:
        event.remove(Engine, "before_cursor_execute", fail)


async def row_count(database_url: str, table: str) -> int:
    """How many rows `table` holds, read over a connection of its own."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            statement = select(func.count()).select_from(metadata.tables[table])
            return (await connection.execute(statement)).scalar_one()
    finally:
        await engine.dispose()
